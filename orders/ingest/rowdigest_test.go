package ingest_test

import (
	"bytes"
	"testing"

	"github.com/orderbot/orderbot/orders/ingest"
)

// TestRowDigestAndSkipWhen: each entry carries the digest of its row and
// of how it was read; SkipWhen leaves out, unread, the rows its function
// says, given the number as the entry would have it, the line and the
// digest the entry would carry.
func TestRowDigestAndSkipWhen(t *testing.T) {
	text := "N° commande;Code client;Raison sociale;Statut;Montant HT;Date commande\n" +
		"4500012345;C001;Boulangerie Dupré;En cours;12 400,50;27/11/2026\n" +
		" 4500012346 ;C002;Crème & Café;Facturée;1 234,5;03/01/2026\n" +
		"4500012347;C003;Crème & Café;Bloquée crédit;99;03/01/2026\n" +
		"4500012345;C001;Boulangerie Dupré;En cours;12 400,50;27/11/2026\n"
	withNUL := text + "45000\x0012348;C003;Crème & Café;En cours;99;03/01/2026\n"
	all, bad := read(t, "export.csv", []byte(text), simpleProfile())
	if len(all) != 4 || len(bad) != 0 {
		t.Fatalf("%d entries, bad %v", len(all), bad)
	}
	if all[0].RowDigest == 0 || all[0].RowDigest != all[3].RowDigest || all[0].RowDigest == all[2].RowDigest {
		t.Errorf("digests %x %x %x: want the same row the same, another row another", all[0].RowDigest, all[3].RowDigest, all[2].RowDigest)
	}
	other := simpleProfile()
	other.Statuses["En cours"] = "picking"
	again, _ := read(t, "export.csv", []byte(text), other)
	if again[0].RowDigest == all[0].RowDigest {
		t.Errorf("the same row read through another profile has the same digest %x", all[0].RowDigest)
	}

	r, err := ingest.NewReader("export.csv", bytes.NewReader([]byte(withNUL)), simpleProfile())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	type offer struct {
		number string
		line   int
		digest uint64
	}
	var offers []offer
	r.SkipWhen(func(number string, line int, digest uint64) bool {
		offers = append(offers, offer{number, line, digest})
		return line == 2 || line == 4
	})
	read, bad := readAll(t, r)
	if len(read) != 2 || read[0].Number != "4500012346" || read[1].Line != 5 || read[1].RowDigest != all[3].RowDigest {
		t.Errorf("read %+v, want lines 3 and 5", read)
	}
	if len(bad) != 1 || !bytes.Contains([]byte(bad[0]), []byte("export.csv:6:")) {
		t.Errorf("bad rows %q, want line 6's NUL byte", bad)
	}
	// Line 3's number is offered trimmed, as its entry has it; line 6's
	// holds a control character: it is read, never offered.
	want := []offer{{"4500012345", 2, all[0].RowDigest}, {"4500012346", 3, all[1].RowDigest},
		{"4500012347", 4, all[2].RowDigest}, {"4500012345", 5, all[3].RowDigest}}
	if len(offers) != len(want) {
		t.Fatalf("offered %+v, want %+v", offers, want)
	}
	for i := range want {
		if offers[i] != want[i] {
			t.Errorf("offer %d: %+v, want %+v", i, offers[i], want[i])
		}
	}
}
