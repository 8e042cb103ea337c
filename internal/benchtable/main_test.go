package main

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	out := `goos: linux
BenchmarkOrderByNumber/orderbot-2         	    2000	    271817 ns/op	         0.2460 p50-ms	         0.9130 p99-ms
BenchmarkOrderByNumber/pgbench-2          	    2000	    310480 ns/op	         0.2680 p50-ms	         0.6350 p99-ms
BenchmarkImportSnapshot/rows=100000-2         	       1	 818892789 ns/op	    643957 copy-rows/s	         0.1553 copy-s	         1.629 first-apply-s	         1.090 first-compare-s	         0.7550 first-derived-s	         0.5760 first-load-s	        74.00 first-peak-MB	         0.03600 first-report-s	         4.151 first-s	        26.73 first-x-copy	        17.96 lookup-idle-p99-ms	        32.76 lookup-import-p99-ms	        74.00 peak-MB	         0.1400 re-apply-s	         0.1940 re-compare-s	         0 re-derived-s	         0.4300 re-load-s	         0.004000 re-report-s	    122127 rows/s	         5.273 x-copy
PASS`
	res, seen, err := parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || res["BenchmarkOrderByNumber/orderbot"]["p99-ms"] != 0.913 || res["BenchmarkImportSnapshot/rows=100000"]["x-copy"] != 5.273 {
		t.Errorf("parsed %v %v", seen, res)
	}
	if got := ms(res["BenchmarkOrderByNumber/pgbench"]); got != "0.268 / 0.635 ms" {
		t.Errorf("ms = %q", got)
	}
}

func TestImportRows(t *testing.T) {
	r := result{"copy-s": 0.2, "copy-rows/s": 500000, "first-s": 1, "first-x-copy": 5, "first-peak-MB": 70, "first-load-s": 0.4,
		"first-apply-s": 0.6, "rows/s": 250000, "x-copy": 2, "peak-MB": 60, "re-load-s": 0.2, "re-derived-s": 0,
		"lookup-import-p99-ms": 1.5, "lookup-idle-p99-ms": 0.9}
	got := importRows("BenchmarkImportSnapshot/rows=1000000")
	if len(got) != 3 {
		t.Fatalf("%d rows", len(got))
	}
	want := []string{
		"1.00 s, 5.0 × COPY, peak 70 MB: load 0.40 s (2.00 ×), apply 0.60 s (3.00 ×)",
		"250000 rows/s, 2.00 × COPY, peak 60 MB: load 0.20 s (1.00 ×)",
		"p99 1.5 ms (idle: 0.9 ms)",
	}
	for i, w := range want {
		if f := got[i].figure(r); f != w {
			t.Errorf("row %d (%s): %q, want %q", i, got[i].work, f, w)
		}
	}
	if !strings.Contains(got[0].work, "1,000,000 orders") {
		t.Errorf("work %q", got[0].work)
	}
	if importRows("BenchmarkOrderByNumber/orderbot") != nil {
		t.Error("rows for another benchmark")
	}
}
