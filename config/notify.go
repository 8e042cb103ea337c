package config

// NotifyConfig is the notify section: what orderbot tells people of on
// its own.
type NotifyConfig struct {
	// AutoFollow (notify.auto_follow) has whoever asks about a blocked
	// order follow it: they get a direct message when an import changes
	// it. Default true.
	AutoFollow bool `mapstructure:"auto_follow" yaml:"auto_follow"`
}
