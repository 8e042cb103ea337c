package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ClaimHomePublish reports whether the Home tab of Slack user may be
// published now: it was not in the last every, by any replica sharing the
// store. A claim counts as a publication; of two replicas claiming at once
// within every, one only gets it. Times are the database's.
func (s *Store) ClaimHomePublish(ctx context.Context, user string, every time.Duration) (bool, error) {
	var claimed bool
	err := s.db.QueryRow(ctx, `INSERT INTO home_publishes AS h (slack_user_id, published_at) VALUES ($1, clock_timestamp())
		ON CONFLICT (slack_user_id) DO UPDATE SET published_at = EXCLUDED.published_at
		WHERE h.published_at <= EXCLUDED.published_at - $2 * interval '1 microsecond'
		RETURNING true`, user, every.Microseconds()).Scan(&claimed)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("home tab of %s: %w", user, err)
	}
	return claimed, nil
}
