package postgres

// commandPrefix keeps slash command keys apart from event keys in
// slack_events: no event_id starts with it.
const commandPrefix = "command:"

// CommandKey is the key a slash command is held under (HoldQuestion), from
// its trigger_id: a command delivered again, or to another replica too,
// has the same key, and is answered once. Commands live beside the events
// in slack_events, and are forgotten with them (ForgetEvents).
func CommandKey(triggerID string) string { return commandPrefix + triggerID }
