package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

const personColumns = `id, coalesce(email, ''), name, role, code, coalesce(slack_user_id, ''), digest_channel,
	coalesce(language, ''), placeholder, manager_email`

func scanPerson(row interface{ Scan(...any) error }) (orders.Person, error) {
	var p orders.Person
	var role, lang string
	err := row.Scan(&p.ID, &p.Email, &p.Name, &role, &p.Code, &p.SlackUserID, &p.DigestChannel, &lang, &p.Placeholder, &p.Manager)
	p.Role, p.Language = orders.Role(role), orders.Language(lang)
	return p, err
}

// PersonByEmail returns the person whose e-mail is email, whatever its case.
func (s *Store) PersonByEmail(ctx context.Context, email string) (orders.Person, error) {
	email = strings.TrimSpace(email)
	p, err := scanPerson(s.db.QueryRow(ctx, `SELECT `+personColumns+` FROM people WHERE lower(email) = lower($1)`, email))
	if err != nil {
		return p, notFound(err, "nobody in the directory has the e-mail %q", email)
	}
	return p, nil
}

// PersonBySlackID returns the person whose Slack user ID is id.
func (s *Store) PersonBySlackID(ctx context.Context, id string) (orders.Person, error) {
	p, err := scanPerson(s.db.QueryRow(ctx, `SELECT `+personColumns+` FROM people WHERE slack_user_id = $1`, id))
	if err != nil {
		return p, notFound(err, "nobody in the directory has the Slack user ID %q", id)
	}
	return p, nil
}

// PersonByID returns the person whose ID is id.
func (s *Store) PersonByID(ctx context.Context, id int64) (orders.Person, error) {
	p, err := scanPerson(s.db.QueryRow(ctx, `SELECT `+personColumns+` FROM people WHERE id = $1`, id))
	if err != nil {
		return p, notFound(err, "no person %d", id)
	}
	return p, nil
}

// DigestReps returns the reps who get a daily digest: those of the
// directory with a digest channel.
func (s *Store) DigestReps(ctx context.Context) ([]orders.Person, error) {
	rows, err := s.db.Query(ctx, `SELECT `+personColumns+` FROM people
		WHERE role = 'rep' AND digest_channel <> '' AND NOT placeholder ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("reps with a digest: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.Person, error) { return scanPerson(r) })
}
