package main

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	out := `goos: linux
BenchmarkOrderByNumber/orderbot-2         	    2000	    271817 ns/op	         0.2460 p50-ms	         0.9130 p99-ms
BenchmarkOrderByNumber/pgbench-2          	    2000	    310480 ns/op	         0.2680 p50-ms	         0.6350 p99-ms
BenchmarkImportSnapshot-2   	       1	5307277776 ns/op	    616198 copy-rows/s	       104.0 peak-MB	    188424 rows/s	         3.270 x-copy
PASS`
	res, seen, err := parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || res["BenchmarkOrderByNumber/orderbot"]["p99-ms"] != 0.913 || res["BenchmarkImportSnapshot"]["x-copy"] != 3.27 {
		t.Errorf("parsed %v %v", seen, res)
	}
	if got := ms(res["BenchmarkOrderByNumber/pgbench"]); got != "0.268 / 0.635 ms" {
		t.Errorf("ms = %q", got)
	}
}
