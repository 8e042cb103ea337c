package postgres

import (
	"context"
	"fmt"
)

// commandPrefix keeps slash command claims apart from event claims in
// slack_events: no event_id starts with it.
const commandPrefix = "command:"

// ClaimCommand records that a Slack slash command is being answered, by
// its trigger_id; it returns false when the command was claimed before
// (delivered again, or to another replica first), which must then not be
// answered again. Claims live beside the events' in slack_events, and are
// forgotten with them (ForgetEvents).
func (s *Store) ClaimCommand(ctx context.Context, triggerID string) (bool, error) {
	tag, err := s.db.Exec(ctx, `INSERT INTO slack_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING`, commandPrefix+triggerID)
	if err != nil {
		return false, fmt.Errorf("claim Slack slash command %s: %w", triggerID, err)
	}
	return tag.RowsAffected() == 1, nil
}
