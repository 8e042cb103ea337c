package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/xuri/excelize/v2"
)

// xlsxSource streams the rows of one sheet of a workbook.
type xlsxSource struct {
	ctx         context.Context
	lim         Limits
	name, sheet string
	f           *excelize.File
	rows        *excelize.Rows
	row         atomic.Int64 // the sheet row last read
	last        int64        // the sheet's last row, from its dimension; 0 if unknown
}

// openXLSX opens the workbook at path, or else read from r (whole, in
// memory), and the sheet named sheet (matched as headers are) or the first
// one, once checkWorkbook and the sheet's check found them within lim.
func openXLSX(ctx context.Context, name, path string, r io.Reader, sheet string, lim Limits) (_ *xlsxSource, err error) {
	defer survive(name, &err)
	var zr *zip.Reader
	var data []byte
	if path != "" {
		file, size, err := openRegular(path, lim)
		if err != nil {
			return nil, err
		}
		defer file.Close()
		zr, err = zip.NewReader(file, size)
		if err != nil {
			return nil, fileError(name, "not a CSV or XLSX file")
		}
	} else {
		data, err = io.ReadAll(r)
		if err != nil {
			return nil, readError(name, err)
		}
		zr, err = zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, fileError(name, "not a CSV or XLSX file")
		}
	}
	check, err := checkWorkbook(ctx, name, zr, lim)
	if err != nil {
		return nil, err
	}
	opts := excelize.Options{UnzipSizeLimit: lim.MaxXLSXUncompressedBytes, UnzipXMLSizeLimit: min(xlsxUnzipInMemory, lim.MaxXLSXUncompressedBytes)}
	var f *excelize.File
	if path != "" {
		f, err = excelize.OpenFile(path, opts)
	} else {
		f, err = excelize.OpenReader(bytes.NewReader(data), opts)
	}
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, fileError(name, "not a CSV or XLSX file")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close()
		return nil, fileError(name, "not a CSV or XLSX file")
	}
	chosen := sheets[0]
	if sheet != "" {
		chosen = ""
		for _, s := range sheets {
			if s == sheet {
				chosen = s
				break
			}
		}
		for _, s := range sheets {
			if chosen == "" && fold(s) == fold(sheet) {
				chosen = s
			}
		}
		if chosen == "" {
			_ = f.Close()
			return nil, fileError(name, "no sheet %q (sheets are: %s)", sheet, strings.Join(sheets, ", "))
		}
	}
	for _, part := range check.sheetParts(chosen) {
		if err := check.scanSheet(ctx, name, part, lim); err != nil {
			_ = f.Close()
			var le *limitError
			if errors.As(err, &le) {
				return nil, le.message(name, nil)
			}
			return nil, err
		}
	}
	rows, err := f.Rows(chosen)
	if err != nil {
		_ = f.Close()
		return nil, fileError(name, "the sheet %q cannot be read: %v", chosen, err)
	}
	s := &xlsxSource{ctx: ctx, name: name, sheet: chosen, f: f, rows: rows, lim: lim}
	if dim, err := f.GetSheetDimension(chosen); err == nil {
		if _, end, ok := strings.Cut(dim, ":"); ok {
			if _, row, err := excelize.CellNameToCoordinates(end); err == nil {
				s.last = int64(row)
			}
		}
	}
	return s, nil
}

// next implements rowSource. Cells come raw, as the sheet stores them:
// numbers with '.', dates as serials.
func (s *xlsxSource) next() (_ []string, _ int, err error) {
	defer survive(s.name, &err)
	if err := s.ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: reading stopped: %w", s.name, err)
	}
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, fileError(s.name, "the sheet %q cannot be read after row %d: %v", s.sheet, s.row.Load(), err)
		}
		return nil, 0, io.EOF
	}
	n := s.row.Add(1)
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, fileError(s.name, "the sheet %q cannot be read at row %d: %v", s.sheet, n, err)
	}
	// The sheet's check measured the cells already; this holds if it
	// could not (a part it did not find).
	total := int64(0)
	for i, c := range cells {
		if int64(len(c)) > s.lim.MaxFieldBytes {
			return nil, int(n), &limitError{line: int(n), field: i, msg: "the cell is longer than " + limitText(keyMaxFieldBytes, s.lim.MaxFieldBytes, "bytes")}
		}
		if total += int64(len(c)) + 1; total > s.lim.MaxRowBytes {
			return nil, int(n), &limitError{line: int(n), field: -1, msg: "the row is longer than " + limitText(keyMaxRowBytes, s.lim.MaxRowBytes, "bytes")}
		}
	}
	return cells, int(n), nil
}

// survive turns a panic of excelize on a malformed workbook into an error
// naming the file: a bad file is refused, it does not stop the program.
func survive(name string, err *error) {
	if v := recover(); v != nil {
		*err = fileError(name, "not a readable XLSX file (%v)", v)
	}
}

// progress implements rowSource: rows.
func (s *xlsxSource) progress() (int64, int64) {
	done := s.row.Load()
	if s.last > 0 && done > s.last {
		return done, done
	}
	return done, s.last
}

// close implements rowSource.
func (s *xlsxSource) close() error {
	return errors.Join(s.rows.Close(), s.f.Close())
}
