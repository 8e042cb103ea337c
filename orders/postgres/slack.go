package postgres

import (
	"context"
	"fmt"
	"time"
)

// ForgetEvents removes the questions (events and slash commands) received
// before before, answered or not: Slack retries an event for minutes, not
// days, and a question a day old is not worth answering.
func (s *Store) ForgetEvents(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM slack_events WHERE received_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("forget Slack events: %w", err)
	}
	return tag.RowsAffected(), nil
}

// LinkSlackUser records the Slack user ID of a person found by e-mail, so
// that the next question needs no lookup in Slack.
func (s *Store) LinkSlackUser(ctx context.Context, personID int64, slackUserID string) error {
	_, err := s.db.Exec(ctx, `UPDATE people SET slack_user_id = $2 WHERE id = $1 AND slack_user_id IS DISTINCT FROM $2
		AND NOT EXISTS (SELECT FROM people WHERE slack_user_id = $2)`, personID, slackUserID)
	if err != nil {
		return fmt.Errorf("link Slack user %s: %w", slackUserID, err)
	}
	return nil
}
