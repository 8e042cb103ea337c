package ingest

import (
	"errors"
	"io"
	"strings"
	"sync/atomic"

	"github.com/xuri/excelize/v2"
)

// xlsxSource streams the rows of one sheet of a workbook.
type xlsxSource struct {
	name, sheet string
	f           *excelize.File
	rows        *excelize.Rows
	row         atomic.Int64 // the sheet row last read
	last        int64        // the sheet's last row, from its dimension; 0 if unknown
}

// openXLSX opens the workbook at path, or else read from r, and the sheet
// named sheet (matched as headers are) or the first one.
func openXLSX(name, path string, r io.Reader, sheet string) (_ *xlsxSource, err error) {
	defer survive(name, &err)
	var f *excelize.File
	if path != "" {
		f, err = excelize.OpenFile(path)
	} else {
		f, err = excelize.OpenReader(r)
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
	rows, err := f.Rows(chosen)
	if err != nil {
		_ = f.Close()
		return nil, fileError(name, "the sheet %q cannot be read: %v", chosen, err)
	}
	s := &xlsxSource{name: name, sheet: chosen, f: f, rows: rows}
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
