package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// openRegular opens the file at path for reading if it is a regular file
// no larger than lim allows, and returns it with its size. A folder, a FIFO
// or a device (/dev/zero never ends) is refused before anything reads it,
// in one line saying what the path is. The path is checked before it is
// opened, since opening a FIFO waits for a writer, and the file opened is
// checked to be the one checked.
func openRegular(path string, lim Limits) (*os.File, int64, error) {
	before, err := os.Stat(path)
	if err != nil {
		return nil, 0, pathError(path, err)
	}
	if !before.Mode().IsRegular() {
		return nil, 0, fileError(path, "not a regular file (%s)", FileKind(before.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, pathError(path, err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, 0, pathError(path, err)
	}
	if !st.Mode().IsRegular() || !os.SameFile(before, st) {
		_ = f.Close()
		return nil, 0, fileError(path, "not a regular file (%s)", FileKind(st.Mode()))
	}
	if st.Size() > lim.MaxFileBytes {
		_ = f.Close()
		return nil, 0, tooBig(path, st.Size(), lim)
	}
	return f, st.Size(), nil
}

// pathError says what the system said about path, once: "orders.csv: no
// such file or directory", not the path twice.
func pathError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fileError(path, "%v", err)
}

// FileKind names the kind of a file that is not a regular one, for the
// sentence that refuses it: "a FIFO", "a character device".
func FileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m.IsRegular():
		return "a file replaced while it was opened"
	}
	return "a special file"
}

// tooBig refuses a file larger than lim allows.
func tooBig(name string, size int64, lim Limits) error {
	return fileError(name, "the file is %d bytes long, more than %s", size, limitText(keyMaxFileBytes, lim.MaxFileBytes, "bytes"))
}

// limitError is a limit passed while reading, which stops it: where (line
// and field, when known) and what, naming the limit's key.
type limitError struct {
	line  int    // 0 when the file as a whole is at fault
	field int    // the cell's index in its row, -1 when no cell is
	cell  string // an XLSX cell's reference (C12), instead of field
	msg   string
}

// Error returns the message without the file's name.
func (e *limitError) Error() string { return e.msg }

// message returns the error naming the file, the line and the column
// (its header text when header has it).
func (e *limitError) message(name string, header []string) error {
	where := ""
	switch {
	case e.cell != "":
		where = fmt.Sprintf("cell %s: ", e.cell)
	case e.field >= 0 && e.field < len(header) && header[e.field] != "":
		where = fmt.Sprintf("column %q: ", header[e.field])
	case e.field >= 0:
		where = fmt.Sprintf("column %d: ", e.field+1)
	}
	if e.line > 0 {
		return lineError(name, e.line, "%s%s", where, e.msg)
	}
	return fileError(name, "%s%s", where, e.msg)
}
