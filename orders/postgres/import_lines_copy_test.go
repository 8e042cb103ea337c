package postgres

import (
	"bytes"
	"io"
	"testing"

	"github.com/orderbot/orderbot/orders"
)

func TestLineCopyReadsTheSameLinesWhateverTheBuffer(t *testing.T) {
	lines := func() func() (stagedLine, bool) {
		i := 0
		return func() (stagedLine, bool) {
			if i++; i > 50 {
				return stagedLine{}, false
			}
			id := int64(i)
			return stagedLine{row: LineRow{Row: i + 1, Order: "4500012345", Line: orders.Line{Number: i, Item: "A\tB",
				Description: `Thé vert \ sac` + "\n25 kg\r", Quantity: 12.3456}}, key: 42, orderID: &id}, true
		}
	}
	var want []byte
	c := &lineCopy{}
	for take := lines(); ; {
		sl, ok := take()
		if !ok {
			break
		}
		want = c.appendLine(want, sl)
	}
	if !bytes.Contains(want, []byte(`A\tB	Thé vert \\ sac\n25 kg\r	12.3456	0	\N	0`)) {
		t.Fatalf("a line as COPY reads it: %q", want[:bytes.IndexByte(want, '\n')+1])
	}
	for _, size := range []int{1, 7, 100, 1 << 16} {
		c := &lineCopy{take: lines()}
		var got []byte
		p := make([]byte, size)
		for {
			n, err := c.Read(p)
			got = append(got, p[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, want) || c.n != 50 || c.unknown != 0 {
			t.Errorf("reads of %d bytes: %d lines, %d bytes, want %d", size, c.n, len(got), len(want))
		}
		if size == 7 && cap(c.buf) > 4096 {
			t.Errorf("reads of %d bytes kept a buffer of %d bytes", size, cap(c.buf))
		}
	}
}
