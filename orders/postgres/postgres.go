// Package postgres is orderbot's PostgreSQL store: the schema, its embedded
// migrations, and every query over the portfolio. It translates pgx errors at
// its boundary, so callers only ever see the orders package's errors.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/orderbot/orderbot/orders"
)

//go:embed migrations/*.sql
var migrations embed.FS

// querier is what the store's queries run on: the pool, or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Store is the PostgreSQL store. It is safe for concurrent use.
type Store struct {
	pool  *pgxpool.Pool
	db    querier
	locks *deliveryLocks
}

// ApplicationName is the application_name of orderbot's sessions when the
// database URL gives none.
const ApplicationName = "orderbot"

// Open connects to the database at url with at most maxConns connections
// (0 means pgx's default) and checks that it answers.
func Open(ctx context.Context, url string, maxConns int32) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	// Name the sessions in pg_stat_activity and the server's logs, unless
	// the URL (or PGAPPNAME) names them already.
	if _, named := cfg.ConnConfig.RuntimeParams["application_name"]; !named {
		cfg.ConnConfig.RuntimeParams["application_name"] = ApplicationName
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database %s: %w", cfg.ConnConfig.Host, err)
	}
	return &Store{pool: pool, db: pool, locks: &deliveryLocks{cfg: cfg}}, nil
}

// Close closes every connection of the store.
func (s *Store) Close() {
	s.locks.close()
	s.pool.Close()
}

// Pool returns the store's connection pool, for the parts of orderbot that
// share its connections.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// InTx runs fn with a store whose every query is part of one transaction,
// committed when fn returns nil and rolled back otherwise: what fn writes is
// applied whole or not at all.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		return fn(&Store{pool: s.pool, db: tx, locks: s.locks})
	})
}

// Migrate brings the schema up to date. Several orderbot processes starting
// together are safe: a PostgreSQL advisory lock lets one migrate at a time.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.migrator()
	if err != nil {
		return err
	}
	defer p.Close()
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// SchemaCurrent reports whether every migration this orderbot knows is
// applied, version by version: a replica of an older version, a database
// not migrated yet, or one where a migration was rolled back or skipped, is
// not ready. Versions applied by a newer orderbot do not matter.
func (s *Store) SchemaCurrent(ctx context.Context) (bool, error) {
	// The version table is read directly: goose's provider would take its
	// session lock, which a migration in progress holds. A version's last
	// row says whether it is applied (goose once recorded a rollback as a
	// row with is_applied false).
	rows, err := s.pool.Query(ctx, `SELECT version_id FROM (
			SELECT DISTINCT ON (version_id) version_id, is_applied FROM goose_db_version ORDER BY version_id, id DESC
		) last WHERE is_applied`)
	if err != nil {
		return false, fmt.Errorf("schema version: %w", err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return false, fmt.Errorf("schema version: %w", err)
	}
	applied := make(map[int64]bool, len(versions))
	for _, v := range versions {
		applied[v] = true
	}
	known, err := knownVersions()
	if err != nil {
		return false, err
	}
	for _, v := range known {
		if !applied[v] {
			return false, nil
		}
	}
	return true, nil
}

// knownVersions are the versions of the migrations embedded in orderbot,
// from their file names (00007_import_order.sql is version 7).
func knownVersions() ([]int64, error) {
	entries, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	versions := make([]int64, 0, len(entries))
	for _, e := range entries {
		v, err := goose.NumericComponent(e)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", e, err)
		}
		versions = append(versions, v)
	}
	return versions, nil
}

func (s *Store) migrator() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	// Closing this *sql.DB (with the provider) leaves the pool open.
	var db *sql.DB = stdlib.OpenDBFromPool(s.pool)
	return goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
}

// translate turns the database's refusals a user can cause into the
// domain's errors: a duplicate is a conflict, a missing row not found.
// Anything else is wrapped with what was being done.
func translate(err error, format string, args ...any) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return orders.Errorf(orders.EConflict, "%s: %s already exists", fmt.Sprintf(format, args...), conflictSubject(pgErr))
	}
	return notFound(err, format, args...)
}

// conflictSubject names what a unique violation is about, from its constraint.
func conflictSubject(e *pgconn.PgError) string {
	switch e.ConstraintName {
	case "people_email_key":
		return "a person with that e-mail"
	case "people_slack_user_id_key":
		return "a person with that Slack user ID"
	case "orders_number_key":
		return "an order with that number"
	case "customers_code_key":
		return "a customer with that code"
	case "order_lines_pkey":
		return "a line with that number"
	}
	return "such a row"
}

// retryable reports whether err is a deadlock or serialization failure, which
// the same transaction run again may not meet.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// notFound translates pgx's "no rows" into the domain's not-found error and
// wraps anything else with what was being done.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return orders.Errorf(orders.ENotFound, format, args...)
	}
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err)
}
