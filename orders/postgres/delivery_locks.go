package postgres

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// deliveryLocks holds the locks of the deliveries being worked: a
// PostgreSQL session lock on each key, on connections of a pool of their
// own, so that holding a lock while posting takes no connection the work
// itself needs, and a process that dies lets its locks go with its
// connections.
type deliveryLocks struct {
	cfg  *pgxpool.Config
	mu   sync.Mutex
	pool *pgxpool.Pool
}

// lockConns is how many deliveries one process may work at once.
const lockConns = 12

// lock takes the lock of key, without waiting: false when someone else
// holds it. release lets it go.
func (l *deliveryLocks) lock(ctx context.Context, key string) (release func(), ok bool, err error) {
	if l == nil {
		return nil, false, fmt.Errorf("lock delivery %s: not on a store opened with Open", key)
	}
	pool, err := l.open(ctx)
	if err != nil {
		return nil, false, err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("lock delivery %s: %w", key, err)
	}
	const id = `hashtextextended('orderbot delivery ' || $1, 0)`
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+id+`)`, key).Scan(&ok); err != nil || !ok {
		conn.Release()
		if err != nil {
			return nil, false, fmt.Errorf("lock delivery %s: %w", key, err)
		}
		return nil, false, nil
	}
	return func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+id+`)`, key); err != nil {
			// A connection that cannot unlock may still hold the lock:
			// closing it lets the lock go.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
		conn.Release()
	}, true, nil
}

// open returns the pool of lock connections, opened at the first lock.
func (l *deliveryLocks) open(ctx context.Context) (*pgxpool.Pool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pool != nil {
		return l.pool, nil
	}
	cfg := l.cfg.Copy()
	cfg.MaxConns = lockConns
	cfg.MinConns = 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("delivery locks: %w", err)
	}
	l.pool = pool
	return pool, nil
}

// close closes the lock connections, letting every lock go.
func (l *deliveryLocks) close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pool != nil {
		l.pool.Close()
		l.pool = nil
	}
}
