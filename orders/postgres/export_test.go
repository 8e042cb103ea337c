package postgres

// The SQL the store runs, for the benchmarks that run the same SQL through
// pgbench.
var (
	OrderByNumberSQL      = orderByNumberSQL
	OpenCustomerSearchSQL = customerSearchSQL(openScope)
)

// InHalves makes req read the open orders' digests in two halves at once
// whatever their number (see digestsInHalves).
func InHalves(req ImportRequest) ImportRequest {
	req.digestsInHalvesFrom = 1
	return req
}
