// Package testdb gives every test its own migrated PostgreSQL database, so
// that tests touching the store run against the real thing, isolated and in
// parallel. The server is the one ORDERBOT_TEST_DATABASE_URL names or, when
// it is unset, a private throwaway cluster started for the test binary.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/internal/devdb"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

// EnvURL names the variable that points the tests at an existing server. The
// URL's user must be allowed to create databases.
const EnvURL = "ORDERBOT_TEST_DATABASE_URL"

// Server is the PostgreSQL server a test binary uses.
type Server struct {
	admin   string // URL of the maintenance database
	cluster *devdb.Cluster

	once     sync.Once
	template string
	tmplErr  error
	strategy string
}

// Run starts the server, runs the tests and stops the server; call it from
// TestMain: os.Exit(testdb.Run(m, &srv)).
func Run(m *testing.M, srv **Server) int {
	s, err := Start(context.Background(), os.Getenv(EnvURL))
	if err != nil {
		fmt.Fprintln(os.Stderr, "testdb:", err)
		return 1
	}
	*srv = s
	code := m.Run()
	if err := s.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "testdb:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Start connects to the server at url, or starts a private cluster in the
// repository's .devdb folder when url is empty.
func Start(ctx context.Context, url string) (*Server, error) {
	if url != "" {
		return &Server{admin: url}, nil
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	c, err := devdb.Start(ctx, filepath.Join(root, ".devdb"), io.Discard)
	if err != nil {
		return nil, err
	}
	return &Server{admin: c.URL("postgres"), cluster: c}, nil
}

// Stop drops the template database and stops the private cluster, if any.
func (s *Server) Stop() error {
	var errs []error
	if s.template != "" {
		errs = append(errs, s.exec(context.Background(), `DROP DATABASE IF EXISTS `+pgx.Identifier{s.template}.Sanitize()+` WITH (FORCE)`))
	}
	if s.cluster != nil {
		errs = append(errs, s.cluster.Stop())
	}
	return errors.Join(errs...)
}

// URL returns the URL of database on the server.
func (s *Server) URL(database string) string {
	u, err := url.Parse(s.admin)
	if err != nil {
		return s.admin
	}
	u.Path = "/" + database
	return u.String()
}

// NewDatabase creates a fresh database with the current schema for tb and
// returns its URL; it is dropped when tb ends.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	s.once.Do(func() { s.tmplErr = s.makeTemplate(ctx) })
	if s.tmplErr != nil {
		tb.Fatalf("testdb: template database: %v", s.tmplErr)
	}
	name := "orderbot_test_" + randomSuffix()
	if err := s.exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()+
		` TEMPLATE `+pgx.Identifier{s.template}.Sanitize()+s.strategy); err != nil {
		tb.Fatalf("testdb: create database: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.exec(context.Background(), `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			tb.Errorf("testdb: drop database: %v", err)
		}
	})
	return s.URL(name)
}

// Store opens a store on a fresh database for tb, closed when tb ends.
func (s *Server) Store(tb testing.TB) *postgres.Store {
	tb.Helper()
	st, err := postgres.Open(context.Background(), s.NewDatabase(tb), 4)
	if err != nil {
		tb.Fatalf("testdb: open store: %v", err)
	}
	tb.Cleanup(st.Close)
	return st
}

// SampleDatabase creates a fresh database holding the sample portfolio,
// imported an hour ago, and returns its URL; it is dropped when tb ends.
func (s *Server) SampleDatabase(tb testing.TB) string {
	tb.Helper()
	url := s.NewDatabase(tb)
	ctx := context.Background()
	st, err := postgres.Open(ctx, url, 2)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	data := sample.Portfolio(now)
	if err := data.Load(ctx, st); err != nil {
		tb.Fatal(err)
	}
	if err := st.RecordLoad(ctx, "sample", now.Add(-time.Hour), len(data.Orders)); err != nil {
		tb.Fatal(err)
	}
	return url
}

// makeTemplate creates and migrates the database every test database copies.
func (s *Server) makeTemplate(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", EnvURL, err)
	}
	var version int
	err = conn.QueryRow(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&version)
	conn.Close(ctx)
	if err != nil {
		return err
	}
	if version >= 150000 {
		// Copying files is much faster than WAL-logging a small database.
		s.strategy = " STRATEGY FILE_COPY"
	}
	name := "orderbot_template_" + randomSuffix()
	if err := s.exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		return err
	}
	s.template = name
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	st, err := postgres.Open(ctx, s.URL(name), 2)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.Migrate(ctx)
}

func (s *Server) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// repoRoot is the folder of the go.mod above the working directory: tests run
// in their package's folder.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Database returns the URL of the database name on the server, created and
// migrated if it does not exist yet. Unlike NewDatabase, it outlives the test
// binary (on a private cluster, until the cluster stops): it is for data too
// costly to rebuild every run, such as the benchmarks' generated portfolio.
func (s *Server) Database(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return "", err
	}
	var exists bool
	err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists)
	if err == nil && !exists {
		_, err = conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize())
	}
	conn.Close(ctx)
	if err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	st, err := postgres.Open(ctx, s.URL(name), 2)
	if err != nil {
		return "", err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return "", err
	}
	return s.URL(name), nil
}

// NewEmptyDatabase creates a fresh database without any schema for tb and
// returns its URL, for tests of migrations; it is dropped when tb ends.
func (s *Server) NewEmptyDatabase(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	name := "orderbot_empty_" + randomSuffix()
	if err := s.exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("testdb: create database: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.exec(context.Background(), `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			tb.Errorf("testdb: drop database: %v", err)
		}
	})
	return s.URL(name)
}
