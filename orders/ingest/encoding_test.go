package ingest_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

// frenchHeader is an export's header with no accent at all, as SAP and
// many ERPs write it: nothing in it tells the encoding.
const frenchHeader = "Numero;Client;Nom;Statut;Montant\r\n"

// asciiProfile reads frenchHeader.
func asciiProfile(encoding string) ingest.Profile {
	return ingest.Profile{
		Encoding: encoding,
		Columns: map[string]string{"number": "Numero", "customer_code": "Client", "customer_name": "Nom",
			"status": "Statut", "amount": "Montant"},
		Statuses: map[string]string{"En cours": "open", "Facturée": "invoiced"},
	}
}

// asciiRows returns n rows of plain ASCII, about 40 bytes each.
func asciiRows(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("45000")
		b.WriteString(strings.Repeat("0", 5-len(itoa(i))) + itoa(i))
		b.WriteString(";C001;Boulangerie Martin;En cours;12,50\r\n")
	}
	return b.String()
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}

// readErr reads data through p to its end and returns the first error that
// is not a bad row (the file refused), or nil, with the entries read.
func readErr(name string, data []byte, p ingest.Profile) ([]orders.Entry, []string, error) {
	r, err := ingest.NewReader(name, bytes.NewReader(data), p)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var entries []orders.Entry
	var bad []string
	for {
		e, err := r.Next()
		var rowErr *ingest.RowError
		switch {
		case errors.Is(err, io.EOF):
			return entries, bad, nil
		case errors.As(err, &rowErr):
			bad = append(bad, rowErr.Error())
		case err != nil:
			return entries, bad, err
		default:
			entries = append(entries, e)
		}
	}
}

// TestEncodingMismatch: a file whose bytes say another encoding than the
// profile's is refused with one line saying which, where the first sign of
// it is, and what to set, however far into the file that sign is.
func TestEncodingMismatch(t *testing.T) {
	far := asciiRows(3000) // about 120 KB: past what detection looks at
	tests := []struct {
		name, encoding string
		data           []byte
		want           string // the whole message
	}{
		{"UTF-8 read as windows-1252, accents on line 3",
			"windows-1252", []byte(frenchHeader + "4500000001;C001;Martin;En cours;1\r\n4500000002;C002;Boulangerie Dupré;En cours;1\r\n"),
			`orders.csv:3: the file looks like UTF-8 but the profile reads it as windows-1252 ("é" would read as "Ã©"); set encoding: utf-8`},
		{"UTF-8 read as windows-1252, accents past 64 KiB",
			"windows-1252", []byte(frenchHeader + far + "4500099999;C002;Crème & Café;Facturée;1\r\n"),
			`orders.csv:3002: the file looks like UTF-8 but the profile reads it as windows-1252 ("è" would read as "Ã¨"); set encoding: utf-8`},
		{"UTF-8 curly apostrophe read as windows-1252",
			"windows-1252", []byte(frenchHeader + "4500000001;C001;L’Atelier;En cours;1\r\n"),
			`orders.csv:2: the file looks like UTF-8 but the profile reads it as windows-1252 ("’" would read as "â€™"); set encoding: utf-8`},
		{"windows-1252 read as UTF-8, accents on line 2",
			"utf-8", append([]byte(frenchHeader+"4500000001;C001;Boulangerie Dupr"), []byte("\xe9;En cours;1\r\n")...),
			`orders.csv:2: the file looks like windows-1252 but the profile reads it as utf-8 (byte 0xE9, "é" in windows-1252, is not UTF-8); set encoding: windows-1252`},
		{"windows-1252 read as UTF-8, accents past 64 KiB",
			"utf-8", append([]byte(frenchHeader+far+"4500099999;C002;Cr"), []byte("\xe8me;Factur\xe9e;1\r\n")...),
			`orders.csv:3002: the file looks like windows-1252 but the profile reads it as utf-8 (byte 0xE8, "è" in windows-1252, is not UTF-8); set encoding: windows-1252`},
		{"a byte that is nothing in windows-1252 either",
			"utf-8", []byte(frenchHeader + far + "4500099999;C002;X\x81Y;En cours;1\r\n"),
			`orders.csv:3002: byte 0x81 is not UTF-8, as the profile reads the file, nor a character of windows-1252: the file is damaged or in another encoding`},
		{"UTF-8 with a byte order mark, then windows-1252 past 64 KiB",
			"", append([]byte("\xEF\xBB\xBF"+frenchHeader+far+"4500099999;C002;Cr"), []byte("\xe8me;En cours;1\r\n")...),
			`orders.csv:3002: the file starts with a UTF-8 byte order mark but byte 0xE8 ("è" in windows-1252) is not UTF-8: part of the file is in another encoding; export it again in one encoding`},
		{"UTF-8 cut in the middle of a character at the very end",
			"utf-8", []byte(frenchHeader + "4500000001;C001;Boulangerie Dupr\xc3"),
			`orders.csv:2: the file ends in the middle of a UTF-8 character (byte 0xC3): it looks cut short; export it again`},
		{"detected UTF-8 cut in the middle of a character at the very end",
			"", []byte(frenchHeader + "4500000001;C001;Boulangerie Dupré;En cours;1\r\n4500000002;C001;Boulangerie Dupr\xc3"),
			`orders.csv:3: the file ends in the middle of a UTF-8 character (byte 0xC3): it looks cut short; export it again`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, bad, err := readErr("orders.csv", tt.data, asciiProfile(tt.encoding))
			if err == nil {
				var names []string
				for _, e := range entries {
					if strings.ContainsAny(e.CustomerName, "ÃâÂ\uFFFD") {
						names = append(names, e.CustomerName)
					}
				}
				t.Fatalf("no error (%d entries, bad rows %q, garbled names %q), want %q", len(entries), bad, names, tt.want)
			}
			if msg := orders.ErrorMessage(err); msg != tt.want || orders.ErrorCode(err) != orders.EInvalid {
				t.Errorf("error %q (%s)\nwant  %q", msg, orders.ErrorCode(err), tt.want)
			}
		})
	}
}

// TestEncodingReadRight: what is not a mismatch reads as written: a
// windows-1252 file whose only accents come late, a detected file that
// switches encodings (concatenated exports), a byte order mark against the
// profile, and windows-1252 text that happens to hold "Â" or "Ã".
func TestEncodingReadRight(t *testing.T) {
	far := asciiRows(3000)
	tests := []struct {
		name, encoding string
		data           []byte
		want           string // the last entry's customer name
	}{
		{"windows-1252, accents past 64 KiB", "windows-1252",
			append([]byte(frenchHeader+far+"4500099999;C002;Cr"), []byte("\xe8me Br\xfbl\xe9e;En cours;1\r\n")...), "Crème Brûlée"},
		{"detected: windows-1252 first, UTF-8 after", "",
			append(append([]byte(frenchHeader+"4500000001;C001;Dupr"), []byte("\xe9;En cours;1\r\n")...), []byte(far+"4500099999;C002;Crème;En cours;1\r\n")...), "Crème"},
		{"detected: UTF-8 first, windows-1252 after", "",
			append([]byte(frenchHeader+"4500000001;C001;Dupré;En cours;1\r\n"+far+"4500099999;C002;Cr"), []byte("\xe8me;En cours;1\r\n")...), "Crème"},
		{"UTF-8 byte order mark, profile windows-1252", "windows-1252",
			[]byte("\xEF\xBB\xBF" + frenchHeader + "4500000001;C001;Crème;En cours;1\r\n"), "Crème"},
		{"windows-1252 capitals followed by punctuation", "windows-1252",
			append([]byte(frenchHeader+"4500000001;C001;"), []byte("CAF\xc9\xa0\xab CH\xc2TEAU \xbb;En cours;1\r\n")...), "CAFÉ\u00a0« CHÂTEAU »"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, bad, err := readErr("orders.csv", tt.data, asciiProfile(tt.encoding))
			if err != nil || len(bad) > 0 || len(entries) == 0 {
				t.Fatalf("%d entries, bad rows %q, error %v", len(entries), bad, err)
			}
			if got := entries[len(entries)-1].CustomerName; got != tt.want {
				t.Errorf("last name %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOldMacLineEnds reads a file whose lines end in CR alone, as old Mac
// Excel saved CSV, with its lines counted right.
func TestOldMacLineEnds(t *testing.T) {
	text := "N° commande;Code client;Raison sociale;Commercial;Statut;Motif blocage;Montant HT;Date commande;Blocage crédit;Blocage livraison;Motif livraison\r" +
		"4500012345;C001;Boulangerie Dupré;elodie.martin@exemple.fr;En cours;;12 400,50;27/11/2026;;;\r" +
		"4500012346;C002;Crème & Café;jean.roux@exemple.fr;En cours;;12,4,5;03/01/2026;;;\r" +
		"4500012347;C003;\"Le Fournil\rde Paris\";jean.roux@exemple.fr;Facturée;;1;03/01/2026;;;\r" +
		"4500012348;C004;Zinc;jean.roux@exemple.fr;En cours;;2;03/01/2026;;;\r"
	got, bad := read(t, "mac.csv", encode1252(t, text), validProfile())
	wantBad := []string{`mac.csv:3: column "Montant HT": "12,4,5" is not a number`}
	if strings.Join(bad, "\n") != strings.Join(wantBad, "\n") {
		t.Errorf("bad rows %q, want %q", bad, wantBad)
	}
	if len(got) != 3 || got[0].Line != 2 || got[0].CustomerName != "Boulangerie Dupré" ||
		got[1].Line != 4 || got[1].CustomerName != "Le Fournil de Paris" || got[2].Line != 6 {
		t.Errorf("entries %+v", got)
	}
}
