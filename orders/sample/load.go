package sample

import (
	"context"
	"fmt"
	"strings"

	"github.com/orderbot/orderbot/orders"
)

// Sink receives a portfolio in bulk. The PostgreSQL store is one; the
// interface lives here, where it is used, and asks only for what loading needs.
type Sink interface {
	CopyPeople(ctx context.Context, people []orders.Person) ([]orders.Person, error)
	CopyCustomers(ctx context.Context, customers []orders.Customer) ([]orders.Customer, error)
	CopyOrders(ctx context.Context, batch []orders.TrackedOrder) error
}

// Load writes the sample portfolio to sink.
func (d Data) Load(ctx context.Context, sink Sink) error {
	return load(ctx, sink, d.People, d.Customers, func(fn func([]orders.TrackedOrder) error) error {
		return fn(d.Orders)
	})
}

// Load writes the generated portfolio to sink, batchSize orders at a time.
func (g *Generator) Load(ctx context.Context, sink Sink, batchSize int) error {
	return load(ctx, sink, g.People(), g.Customers(), func(fn func([]orders.TrackedOrder) error) error {
		return g.Orders(batchSize, fn)
	})
}

// load copies people and customers, then each batch of orders with the IDs
// of its customer, rep and assistant filled in from what was just stored.
func load(ctx context.Context, sink Sink, people []orders.Person, customers []orders.Customer,
	each func(func([]orders.TrackedOrder) error) error) error {
	storedPeople, err := sink.CopyPeople(ctx, people)
	if err != nil {
		return err
	}
	personID := make(map[string]int64, len(storedPeople))
	for _, p := range storedPeople {
		personID[strings.ToLower(p.Email)] = p.ID
	}
	storedCustomers, err := sink.CopyCustomers(ctx, customers)
	if err != nil {
		return err
	}
	customerID := make(map[string]int64, len(storedCustomers))
	for _, c := range storedCustomers {
		customerID[c.Code] = c.ID
	}
	resolve := func(p *orders.Person) (*orders.Person, error) {
		if p == nil {
			return nil, nil
		}
		id, ok := personID[strings.ToLower(p.Email)]
		if !ok {
			return nil, fmt.Errorf("load: %s is not among the people", p.Email)
		}
		q := *p
		q.ID = id
		return &q, nil
	}
	return each(func(batch []orders.TrackedOrder) error {
		out := make([]orders.TrackedOrder, len(batch))
		for i, t := range batch {
			o := t.Order
			id, ok := customerID[o.Customer.Code]
			if !ok {
				return fmt.Errorf("load: order %s names the unknown customer %s", o.Number, o.Customer.Code)
			}
			o.Customer.ID = id
			if o.Rep, err = resolve(o.Rep); err != nil {
				return err
			}
			if o.Assistant, err = resolve(o.Assistant); err != nil {
				return err
			}
			out[i] = orders.TrackedOrder{Order: o, History: t.History}
		}
		return sink.CopyOrders(ctx, out)
	})
}
