package postgres

// The SQL the store runs, for the benchmarks that run the same SQL through
// pgbench.
var (
	OrderByNumberSQL      = orderByNumberSQL
	OpenCustomerSearchSQL = customerSearchSQL(openScope)
)
