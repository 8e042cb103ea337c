package config

import (
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

// TestImportLimits: the limits of reading exports are settings with
// ingest's defaults, set by the file or the environment, checked, and
// handed to ingest whole.
func TestImportLimits(t *testing.T) {
	if got := Defaults().Import.Limits(); got != ingest.DefaultLimits() {
		t.Errorf("default limits %+v, want ingest's %+v", got, ingest.DefaultLimits())
	}
	path := writeFile(t, "orderbot.yaml", `import:
  max_file_bytes: 52428800
  max_rows: 200000
  max_field_bytes: 4096
  max_row_bytes: 65536
`)
	c, err := Load(path, env(map[string]string{
		"ORDERBOT_IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES": "104857600",
		"ORDERBOT_IMPORT_MAX_SHARED_STRINGS":          "50000",
		"ORDERBOT_IMPORT_MAX_ROWS":                    "300000",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := ingest.Limits{MaxFileBytes: 50 << 20, MaxRows: 300_000, MaxFieldBytes: 4096, MaxRowBytes: 64 << 10,
		MaxXLSXUncompressedBytes: 100 << 20, MaxSharedStrings: 50_000}
	if got := c.Import.Limits(); got != want {
		t.Errorf("limits %+v, want %+v", got, want)
	}

	for _, tt := range []struct {
		name   string
		change func(c *Config)
		want   string
	}{
		{"file", func(c *Config) { c.Import.MaxFileBytes = 100 },
			"import.max_file_bytes: 100 is too small (want at least 1024 bytes)"},
		{"rows", func(c *Config) { c.Import.MaxRows = 0 },
			"import.max_rows: 0 is out of range (want 1 or more)"},
		{"field", func(c *Config) { c.Import.MaxFieldBytes = 512 },
			"import.max_field_bytes: 512 is too small (want at least 1024 bytes: a cell must hold what the store holds)"},
		{"row", func(c *Config) { c.Import.MaxFieldBytes, c.Import.MaxRowBytes = 1<<20, 1<<16 },
			"import.max_row_bytes: 65536 is smaller than import.max_field_bytes (1048576)"},
		{"xlsx", func(c *Config) { c.Import.MaxXLSXUncompressedBytes = 1000 },
			"import.max_xlsx_uncompressed_bytes: 1000 is too small (want at least 65536 bytes)"},
		{"shared strings", func(c *Config) { c.Import.MaxSharedStrings = -1 },
			"import.max_shared_strings: -1 is out of range (want 1 or more)"},
	} {
		c := Defaults()
		tt.change(&c)
		assertOneLine(t, c.Validate(), tt.want)
	}
}

// TestPeopleOptions: the people file is read under the same limits, with
// names checked once when a profile names people by name.
func TestPeopleOptions(t *testing.T) {
	c := Defaults()
	c.Import.MaxRows = 1000
	c.Import.Profiles = map[string]ingest.Profile{"sage_fr": {PeopleBy: "email"}, "sap_de": {PeopleBy: " Name "}, "ups": {}}
	got := c.Import.PeopleOptions()
	if got.Limits != c.Import.Limits() || len(got.NamedBy) != 2 || got.NamedBy[0] != orders.ByEmail || got.NamedBy[1] != orders.ByName {
		t.Errorf("PeopleOptions() = %+v", got)
	}
}
