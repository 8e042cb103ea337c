package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// PeopleReport tells what a people import did (or, dry, would do).
type PeopleReport struct {
	RunID     int64
	Rows      int
	Created   int
	Updated   int
	Unchanged int
	// Completed counts the placeholders (people orders named before the
	// directory did) that the import turned into real entries.
	Completed int
}

// ImportPeople applies the directory, in one transaction: each person is
// matched by e-mail, else a placeholder of the same code or name becomes
// them, else they are created. People absent from the file are kept: orders
// may still name them. A person's manager is kept as the e-mail the file
// gives, found among people when needed (the manager may come later).
func (s *Store) ImportPeople(ctx context.Context, source, sha256 string, people []orders.Person, dryRun bool) (PeopleReport, error) {
	var rep PeopleReport
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		rep, err = tx.importPeople(ctx, source, sha256, people)
		if err == nil && dryRun {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return rep, err
}

func (s *Store) importPeople(ctx context.Context, source, sha256 string, people []orders.Person) (PeopleReport, error) {
	rep := PeopleReport{Rows: len(people)}
	if err := s.db.QueryRow(ctx, `INSERT INTO import_runs (kind, source, sha256, as_of)
		VALUES ('people', $1, $2, now()) RETURNING id`, source, sha256).Scan(&rep.RunID); err != nil {
		return rep, fmt.Errorf("import people: record the run: %w", err)
	}
	for _, p := range people {
		p.Email = strings.TrimSpace(p.Email)
		var old orders.Person
		old, err := s.PersonByEmail(ctx, p.Email)
		if orders.ErrorCode(err) == orders.ENotFound {
			old, err = s.placeholderFor(ctx, p)
		}
		switch {
		case orders.ErrorCode(err) == orders.ENotFound:
			created, err := s.UpsertPerson(ctx, p)
			if err != nil {
				return rep, err
			}
			if err := s.setManager(ctx, created.ID, p.Manager); err != nil {
				return rep, err
			}
			rep.Created++
			continue
		case err != nil:
			return rep, err
		}
		if p.Code == "" {
			p.Code = old.Code
		}
		if p.SlackUserID == "" {
			p.SlackUserID = old.SlackUserID
		}
		if old.Email == p.Email && old.Name == p.Name && old.Role == p.Role && old.Code == p.Code &&
			old.SlackUserID == p.SlackUserID && old.DigestChannel == p.DigestChannel && old.Language == p.Language &&
			old.Manager == p.Manager && !old.Placeholder {
			rep.Unchanged++
			continue
		}
		_, err = s.db.Exec(ctx, `UPDATE people SET email = $2, name = $3, role = $4, code = $5,
			slack_user_id = nullif($6, ''), digest_channel = $7, language = nullif($8, ''), placeholder = false,
			manager_email = $9, updated_at = now() WHERE id = $1`,
			old.ID, p.Email, p.Name, p.Role, p.Code, p.SlackUserID, p.DigestChannel, p.Language, strings.TrimSpace(p.Manager))
		if err != nil {
			return rep, translate(err, "import people: %s", p.Email)
		}
		if old.Placeholder {
			rep.Completed++
		} else {
			rep.Updated++
		}
	}
	_, err := s.db.Exec(ctx, `UPDATE import_runs SET finished_at = clock_timestamp(), rows_read = $2, created = $3,
		updated = $4, unchanged = $5 WHERE id = $1`, rep.RunID, rep.Rows, rep.Created, rep.Updated+rep.Completed, rep.Unchanged)
	if err != nil {
		return rep, fmt.Errorf("import people: record the run: %w", err)
	}
	return rep, nil
}

// setManager records the e-mail of a person's manager.
func (s *Store) setManager(ctx context.Context, id int64, manager string) error {
	if manager = strings.TrimSpace(manager); manager == "" {
		return nil
	}
	if _, err := s.db.Exec(ctx, `UPDATE people SET manager_email = $2 WHERE id = $1`, id, manager); err != nil {
		return fmt.Errorf("import people: the manager of person %d: %w", id, err)
	}
	return nil
}

// placeholderFor finds the placeholder an order created for p, by code or
// by name, when it has no e-mail.
func (s *Store) placeholderFor(ctx context.Context, p orders.Person) (orders.Person, error) {
	found, err := scanPerson(s.db.QueryRow(ctx, `SELECT `+personColumns+` FROM people
		WHERE placeholder AND email IS NULL AND ((code <> '' AND code = $1) OR lower(name) = lower($2))
		ORDER BY (code <> '' AND code = $1) DESC, id LIMIT 1`, p.Code, p.Name))
	if errors.Is(err, pgx.ErrNoRows) {
		return found, orders.Errorf(orders.ENotFound, "no placeholder for %s", p.Name)
	}
	return found, err
}

// LastImport returns when the data of the last orders import was extracted
// (its as-of time), and false when nothing was imported yet.
func (s *Store) LastImport(ctx context.Context) (ImportRun, bool, error) {
	var r ImportRun
	err := s.db.QueryRow(ctx, `SELECT id, source, profile, mode, as_of, finished_at FROM import_runs
		WHERE kind = 'orders' AND finished_at IS NOT NULL ORDER BY as_of DESC, id DESC LIMIT 1`).
		Scan(&r.ID, &r.Source, &r.Profile, &r.Mode, &r.AsOf, &r.FinishedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("last import: %w", err)
	}
	return r, true, nil
}

// RecordLoad records a load of orders made without an import (the sample
// portfolio of the demo) as an orders import run as of asOf, so that
// answers can say how fresh the data is.
func (s *Store) RecordLoad(ctx context.Context, source string, asOf time.Time, rows int) error {
	_, err := s.db.Exec(ctx, `INSERT INTO import_runs (kind, source, sha256, mode, as_of, finished_at, rows_read, created)
		VALUES ('orders', $1, '', 'load', $2, now(), $3, $3)`, source, asOf, rows)
	if err != nil {
		return fmt.Errorf("record the load of %s: %w", source, err)
	}
	return nil
}

// DataAsOf returns when the data of the last orders import was extracted,
// and false when nothing was imported yet.
func (s *Store) DataAsOf(ctx context.Context) (time.Time, bool, error) {
	r, ok, err := s.LastImport(ctx)
	return r.AsOf, ok, err
}
