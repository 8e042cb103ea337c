package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/internal/devdb"
	"github.com/orderbot/orderbot/orders/postgres"
)

// errNoDatabase is the one line a command that needs a real database says
// when none is configured.
var errNoDatabase = errors.New("database.url is not set: set ORDERBOT_DATABASE_URL (or database.url in orderbot.yaml) to a PostgreSQL URL")

// store is an open store and whatever must be stopped with it.
type store struct {
	*postgres.Store
	cluster *devdb.Cluster
	stderr  io.Writer
}

// Close closes the store and stops its private cluster, if any.
func (s *store) Close() {
	s.Store.Close()
	if s.cluster != nil {
		if err := s.cluster.Stop(); err != nil {
			fmt.Fprintln(s.stderr, "orderbot:", err)
		}
	}
}

// openStore opens the configured database and brings its schema up to date
// when migrate is set or database.migrate_on_start is. With no database
// URL, a development command (allowPrivate) gets a private throwaway cluster
// in ./.devdb, gone when the store is closed; other commands get
// errNoDatabase.
func openStore(ctx context.Context, cfg config.Config, e env, allowPrivate, migrate bool) (*store, error) {
	url := cfg.Database.URL
	var cluster *devdb.Cluster
	if url == "" {
		if !allowPrivate {
			return nil, errNoDatabase
		}
		fmt.Fprintln(e.stderr, "no database.url: starting a private throwaway PostgreSQL cluster, deleted at exit")
		c, err := devdb.Start(ctx, filepath.Join(".", ".devdb"), io.Discard)
		if err != nil {
			return nil, err
		}
		cluster, url = c, c.URL("postgres")
	}
	st, err := postgres.Open(ctx, url, cfg.Database.MaxConns)
	if err != nil {
		if cluster != nil {
			_ = cluster.Stop()
		}
		return nil, err
	}
	s := &store{Store: st, cluster: cluster, stderr: e.stderr}
	if migrate || cfg.Database.MigrateOnStart {
		if err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}
