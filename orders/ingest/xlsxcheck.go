package ingest

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// excelize holds in memory every part of a workbook but the sheets and
// the shared string table: a workbook with such a part larger than
// xlsxMemoryPart is refused (no export holds one).
const xlsxMemoryPart = 16 << 20

// xlsxUnzipInMemory is excelize's UnzipXMLSizeLimit: a sheet or a shared
// string table larger than it is unzipped to a temporary file and read
// from there. A table in memory costs some 300 bytes a string, one in a
// file some 100: 4 MiB keeps a table of max_shared_strings tiny strings
// near 100 MB either way.
const xlsxUnzipInMemory = 4 << 20

// xlsxSlack is the room a cell's or a shared string's XML may take beyond
// its text: formatting runs, attributes.
const xlsxSlack = 64 << 10

// workbookCheck is what checking a workbook learned: the length of each
// shared string, for the sheet's check.
type workbookCheck struct {
	zr      *zip.Reader
	strings []uint32
}

// checkWorkbook looks at a workbook before excelize opens it, so that what
// excelize would hold in memory or unzip to disk stays within lim: the
// parts' sizes as the archive declares them (archive/zip refuses a part
// that unzips to more), then the shared string table, streamed.
func checkWorkbook(ctx context.Context, name string, zr *zip.Reader, lim Limits) (*workbookCheck, error) {
	var total uint64
	var sst *zip.File
	for _, f := range zr.File {
		total += f.UncompressedSize64
		lower := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		switch {
		case lower == "xl/sharedstrings.xml":
			sst = f
		case strings.HasPrefix(lower, "xl/worksheets/sheet"):
		case f.UncompressedSize64 > xlsxMemoryPart:
			return nil, fileError(name, "the workbook's part %s is %d bytes once unzipped; a part that is not a sheet may hold at most %d",
				Clip(f.Name), f.UncompressedSize64, xlsxMemoryPart)
		}
	}
	if total > uint64(lim.MaxXLSXUncompressedBytes) {
		return nil, fileError(name, "the workbook is %d bytes once unzipped, more than %s", total, limitText(keyMaxXLSXBytes, lim.MaxXLSXUncompressedBytes, "bytes"))
	}
	w := &workbookCheck{zr: zr}
	if sst != nil {
		if err := w.scanSharedStrings(ctx, name, sst, lim); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// scanSharedStrings counts the shared strings and measures each.
func (w *workbookCheck) scanSharedStrings(ctx context.Context, name string, f *zip.File, lim Limits) error {
	rc, err := f.Open()
	if err != nil {
		return fileError(name, "not a readable XLSX file (%s: %v)", f.Name, err)
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	var t xmlToken
	in := false         // in an <si>
	var text, raw int64 // the current string's text, and its XML
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s: reading stopped: %w", name, err)
			}
		}
		err := s.next(&t)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return partError(name, f, err)
		}
		if t.kind == xmlText && t.size > lim.MaxFieldBytes {
			return fileError(name, "the shared string table holds a text longer than %s", limitText(keyMaxFieldBytes, lim.MaxFieldBytes, "bytes"))
		}
		if !in {
			if t.kind == xmlStart && string(t.name) == "si" && !t.empty {
				in, text, raw = true, 0, t.size
			} else if t.kind == xmlStart && string(t.name) == "si" {
				w.strings = append(w.strings, 0)
			}
			if int64(len(w.strings)) > lim.MaxSharedStrings {
				return fileError(name, "the shared string table holds more than %s", limitText(keyMaxSharedStrings, lim.MaxSharedStrings, "strings"))
			}
			continue
		}
		raw += t.size
		switch {
		case t.kind == xmlText:
			text += t.size
		case t.kind == xmlEnd && string(t.name) == "si":
			in = false
			w.strings = append(w.strings, uint32(text))
			if int64(len(w.strings)) > lim.MaxSharedStrings {
				return fileError(name, "the shared string table holds more than %s", limitText(keyMaxSharedStrings, lim.MaxSharedStrings, "strings"))
			}
		}
		if text > lim.MaxFieldBytes || raw > lim.MaxFieldBytes+xlsxSlack {
			return fileError(name, "the shared string table holds a string longer than %s", limitText(keyMaxFieldBytes, lim.MaxFieldBytes, "bytes"))
		}
	}
}

// sheetParts returns the archive's part of the sheet named sheet, found as
// excelize finds it (the workbook's relationship to it), or, if that
// fails, every sheet's.
func (w *workbookCheck) sheetParts(sheet string) []*zip.File {
	if f := w.sheetPart(sheet); f != nil {
		return []*zip.File{f}
	}
	var all []*zip.File
	for _, f := range w.zr.File {
		if strings.HasPrefix(strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/")), "xl/worksheets/sheet") {
			all = append(all, f)
		}
	}
	return all
}

// sheetPart returns the archive's part of the sheet named sheet, found as
// excelize finds it: the workbook's relationship to it; nil if not found.
func (w *workbookCheck) sheetPart(sheet string) *zip.File {
	find := func(name string) *zip.File {
		for _, f := range w.zr.File {
			if strings.EqualFold(strings.ReplaceAll(f.Name, `\`, "/"), name) {
				return f
			}
		}
		return nil
	}
	type rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	decode := func(name string, v any) bool {
		f := find(name)
		if f == nil {
			return false
		}
		rc, err := f.Open()
		if err != nil {
			return false
		}
		defer rc.Close()
		return xml.NewDecoder(rc).Decode(v) == nil
	}
	var root rels
	if !decode("_rels/.rels", &root) {
		return nil
	}
	book := ""
	for _, r := range root.Rel {
		if r.Type == excelize.SourceRelationshipOfficeDocument || strings.HasSuffix(r.Type, "/officeDocument") {
			book = strings.TrimPrefix(r.Target, "/")
		}
	}
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	var bookRels rels
	if book == "" || !decode(book, &wb) || !decode(path.Join(path.Dir(book), "_rels", path.Base(book)+".rels"), &bookRels) {
		return nil
	}
	for _, s := range wb.Sheets {
		if !strings.EqualFold(s.Name, sheet) {
			continue
		}
		for _, a := range s.Attrs {
			if a.Name.Local != "id" {
				continue
			}
			for _, r := range bookRels.Rel {
				if r.ID == a.Value {
					target := strings.ReplaceAll(r.Target, `\`, "/")
					if strings.HasPrefix(target, "/") {
						return find(strings.TrimPrefix(path.Clean(target), "/"))
					}
					return find(strings.TrimPrefix(path.Clean(path.Dir(book)+"/"+target), "/"))
				}
			}
		}
	}
	return nil
}

// scanSheet measures every cell and row of the sheet's part against lim
// before excelize reads it: excelize builds a whole row in memory, a copy
// of the shared string for each cell that names it.
func (w *workbookCheck) scanSheet(ctx context.Context, name string, f *zip.File, lim Limits) error {
	rc, err := f.Open()
	if err != nil {
		return fileError(name, "not a readable XLSX file (%s: %v)", f.Name, err)
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	var t xmlToken
	var (
		row, rows         int64 // the sheet row, and how many <row> so far
		rowBytes          int64
		inCell, inV       bool
		shared            bool   // the cell's value is a shared string's index
		ref               string // the cell's reference, C12
		cellText, cellRaw int64
		col               int
	)
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s: reading stopped: %w", name, err)
			}
		}
		err := s.next(&t)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return partError(name, f, err)
		}
		if t.kind == xmlText && t.size > lim.MaxFieldBytes {
			if inCell {
				return &limitError{line: int(row), cell: ref, msg: "the cell is longer than " + limitText(keyMaxFieldBytes, lim.MaxFieldBytes, "bytes")}
			}
			return fileError(name, "the sheet holds a text longer than %s", limitText(keyMaxFieldBytes, lim.MaxFieldBytes, "bytes"))
		}
		switch {
		case t.kind == xmlStart && string(t.name) == "row":
			rows++
			row++
			if v, ok := attr(t.attrs, "r"); ok {
				if r, err := strconv.ParseInt(string(v), 10, 64); err == nil {
					row = r
				}
			}
			if rows > lim.MaxRows+1 {
				return &limitError{line: int(row), field: -1, msg: "the sheet has more than " + limitText(keyMaxRows, lim.MaxRows, "rows") + " after the header"}
			}
			rowBytes, col = 0, 0
		case t.kind == xmlStart && string(t.name) == "c":
			col++
			ref = ""
			if v, ok := attr(t.attrs, "r"); ok {
				ref = string(v)
			} else if c, err := excelize.CoordinatesToCellName(col, int(max(row, 1))); err == nil {
				ref = c
			}
			v, _ := attr(t.attrs, "t")
			shared = string(v) == "s"
			inCell, inV, cellText, cellRaw = !t.empty, false, 0, t.size
			if t.empty {
				rowBytes++
			}
		case !inCell:
		case t.kind == xmlStart && string(t.name) == "v":
			inV = !t.empty
			cellRaw += t.size
		case t.kind == xmlEnd && string(t.name) == "v":
			inV = false
			cellRaw += t.size
		case t.kind == xmlText && inV && shared:
			if i, err := strconv.Atoi(strings.TrimSpace(string(t.head))); err == nil && i >= 0 && i < len(w.strings) {
				cellText += int64(w.strings[i])
			}
			cellRaw += t.size
		case t.kind == xmlText:
			cellText += t.size
			cellRaw += t.size
		case t.kind == xmlEnd && string(t.name) == "c":
			inCell = false
			cellRaw += t.size
			rowBytes += cellText + 1
		default:
			cellRaw += t.size
		}
		switch {
		case inCell && (cellText > lim.MaxFieldBytes || cellRaw > lim.MaxFieldBytes+xlsxSlack):
			return &limitError{line: int(row), cell: ref, msg: "the cell is longer than " + limitText(keyMaxFieldBytes, lim.MaxFieldBytes, "bytes")}
		case rowBytes+cellText > lim.MaxRowBytes:
			return &limitError{line: int(row), field: -1, msg: "the row is longer than " + limitText(keyMaxRowBytes, lim.MaxRowBytes, "bytes")}
		}
	}
}

// partError says why a part of the workbook could not be read through.
func partError(name string, f *zip.File, err error) error {
	if errors.Is(err, zip.ErrFormat) {
		// archive/zip stops a part that unzips to more than it declares.
		return fileError(name, "the workbook's part %s unzips to more than the %d bytes it declares: the file is damaged or forged",
			Clip(f.Name), f.UncompressedSize64)
	}
	return fileError(name, "not a readable XLSX file (%s: %v)", Clip(f.Name), err)
}
