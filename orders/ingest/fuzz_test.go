package ingest_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

// fuzzProfile leaves separator, encoding and decimal to detection, and maps
// a status column, two block columns and every kind of field.
func fuzzProfile() ingest.Profile {
	return ingest.Profile{
		PeopleBy: "email",
		Columns: map[string]string{"number": "num", "customer_code": "client", "customer_name": "nom", "rep": "rep",
			"status": "statut", "block_reason": "motif", "amount": "montant", "currency": "devise",
			"ordered_on": "date", "promised_on": "promise"},
		Statuses:      map[string]string{"En cours": "open", "Bloquée": "credit_limit", "Facturée": "invoiced"},
		DefaultStatus: "",
		Blocks: []ingest.BlockColumn{
			{Column: "credit", Values: map[string]string{"B": "credit_limit", "OK": "none"}},
			{Column: "livraison", Values: map[string]string{"Z1": "delivery_block"}, Default: "none", ReasonColumn: "motif livraison"},
		},
		Priority: []string{"delivery_block", "credit_limit"},
	}
}

const fuzzHeader = "num;client;nom;rep;statut;motif;montant;devise;date;promise;credit;livraison;motif livraison\n"

// FuzzCSVRows feeds arbitrary bytes through NewReader and Next: no panic,
// no endless loop, lines that only go forward, and every entry one the
// store accepts.
func FuzzCSVRows(f *testing.F) {
	seeds := []string{
		fuzzHeader + "4500;C1;Dupré;A@B.fr;En cours;;12 400,50;eur;27/11/2026;;;;\n",
		fuzzHeader + "4501;C1;\"Dupont; \"\"fils\"\"\nsuite\";;Bloquée;encours;1,5;;46353;2026-11-27;B;Z1;quai\r\n4502;C2;x;;;;;;;;B;;\r\n",
		"\xEF\xBB\xBF" + strings.ReplaceAll(fuzzHeader, ";", ",") + "SO-1,C,\"a,b\",,Facturée,,\"12,400.50\",USD,,,B,Z1,\n",
		strings.ReplaceAll(fuzzHeader, ";", "\t") + "1\tC\tn\t\tEn cours\t\t-1\t€\t1/2/26\t\t\t\t\n",
		"num;client;statut\n\"unterminated;C;En cours\n",
		fuzzHeader + "\"a\"b;C;n;;En cours;;1;;;;;;\n;;;;;;;;;;;;\n---;C;;;;;;;;;;;\n4503;C;n;;Inconnu;;12,4,5;;31/02/2026;;X;;\n",
		"sep=;\n" + fuzzHeader + "4504;C;n;;En cours;;1;;;;;;\r",
		string([]byte("num;client;nom;statut;montant\n1;C;Cr\xe8me \x80;Bloqu\xe9e;1\xa0234,5\n")),
		"\xFF\xFE" + "n\x00u\x00m\x00\n\x00",
		"",
		"%PDF-1.4\n",
		"PK\x03\x04garbage",
		"num;client;statut;montant\n1;C;En cours;99999999999999999999\n2;C;En cours;1e5\n3;C;En cours;(5)\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	p := fuzzProfile()
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ingest.NewReader("fuzz.csv", bytes.NewReader(data), p)
		if err != nil {
			if msg := orders.ErrorMessage(err); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "fuzz.csv") {
				t.Fatalf("NewReader error %q is not one line naming the file", msg)
			}
			return
		}
		defer r.Close()
		last := 0
		for calls := 0; ; calls++ {
			if calls > len(data)+2 {
				t.Fatalf("Next called %d times on %d bytes without the end", calls, len(data))
			}
			e, err := r.Next()
			var rowErr *ingest.RowError
			switch {
			case errors.Is(err, io.EOF):
				return
			case errors.As(err, &rowErr):
				if rowErr.Line <= last {
					t.Fatalf("row error on line %d after line %d", rowErr.Line, last)
				}
				last = rowErr.Line
				if msg := rowErr.Error(); strings.ContainsAny(msg, "\r\n") {
					t.Fatalf("row error %q spans lines", msg)
				}
				continue
			case err != nil:
				if msg := orders.ErrorMessage(err); strings.Contains(msg, "\n") {
					t.Fatalf("error %q spans lines", msg)
				}
				return
			}
			if e.Line <= last {
				t.Fatalf("entry on line %d after line %d", e.Line, last)
			}
			last = e.Line
			checkEntry(t, e)
		}
	})
}

// checkEntry fails t unless e is an entry the store accepts as it is.
func checkEntry(t *testing.T, e orders.Entry) {
	t.Helper()
	o := orders.Order{Number: e.Number, Customer: orders.Customer{Code: e.CustomerCode}, Status: e.Status,
		Currency: e.Currency, Blocks: e.Blocks, BlockReason: e.BlockReason}
	if err := o.Validate(); err != nil {
		t.Fatalf("line %d: %+v does not validate: %v", e.Line, e, err)
	}
	if e.Status.Blocked() != (len(e.Blocks) > 0) {
		t.Fatalf("line %d: status %s with blocks %+v", e.Line, e.Status, e.Blocks)
	}
	for _, s := range []string{e.Number, e.CustomerCode, e.CustomerName, e.CustomerRef, e.Rep, e.Assistant, e.BlockReason} {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\r\n") || strings.TrimSpace(s) != s {
			t.Fatalf("line %d: text %q is not clean", e.Line, s)
		}
	}
	for _, d := range []*time.Time{e.OrderedOn, e.RequestedOn, e.PromisedOn, e.ExpectedRelease} {
		if d != nil && (d.Location() != time.UTC || !d.Equal(d.Truncate(24*time.Hour)) || d.IsZero()) {
			t.Fatalf("line %d: date %v is not a day at midnight UTC", e.Line, d)
		}
	}
}
