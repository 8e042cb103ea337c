package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/orderbot/orderbot/orders"
)

// peopleColumns are the columns of the people file; the first three are
// required. code, beyond the documented header, gives the ERP's code of a
// person, for profiles that name people by code.
var peopleColumns = [...]string{"email", "name", "role", "slack_user_id", "digest_channel", "language", "code"}

// ReadPeople reads the people directory, a CSV file with the header
// email,name,role,slack_user_id,digest_channel,language (the last three
// optional), in any of the encodings and separators exports come in. Every
// bad row is reported (an *orders.InputErrors, one line each, up to 100), and
// then no person is returned.
func ReadPeople(path string) ([]orders.Person, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, "%v", errors.Unwrap(err))
	}
	defer f.Close()
	return readPeople(path, f)
}

func readPeople(name string, r io.Reader) ([]orders.Person, error) {
	var done atomic.Int64
	br := bufio.NewReaderSize(&countingReader{r: r, n: &done}, sniffSize)
	head, err := br.Peek(sniffSize)
	full := err != nil
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fileError(name, "cannot be read: %v", err)
	}
	switch sniff(head, false) {
	case contentEmpty:
		return nil, fileError(name, "the file is empty")
	case contentText:
	default:
		return nil, fileError(name, "not a CSV file")
	}
	src, err := openCSV(name, br, head, full, &compiled{}, nil, &done, -1)
	if err != nil {
		return nil, err
	}

	// The header: the first row that is not blank.
	var header []string
	for {
		cells, _, err := src.next()
		if errors.Is(err, io.EOF) {
			return nil, fileError(name, "the file is empty")
		}
		if err != nil {
			return nil, fileError(name, "%v", err)
		}
		if !blank(cells) {
			header = cells
			break
		}
	}
	at := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range peopleColumns {
			known = known || c == h
		}
		if !known {
			return nil, fileError(name, "unknown column %q (the columns are %s)", header[i], strings.Join(peopleColumns[:6], ","))
		}
		at[h] = i
	}
	for _, c := range peopleColumns[:3] {
		if _, ok := at[c]; !ok {
			return nil, fileError(name, "no column %q (the header is %s)", c, strings.Join(peopleColumns[:6], ","))
		}
	}

	var (
		people   []orders.Person
		problems []orders.InputProblem
		more     int
		seen     = map[string]int{}
	)
	bad := func(line int, column, format string, args ...any) {
		if len(problems) == 100 {
			more++
			return
		}
		text := fmt.Sprintf("%s:%d: ", name, line)
		if column != "" {
			text += fmt.Sprintf("column %q: ", column)
		}
		problems = append(problems, orders.InputProblem{Line: line, Text: text + fmt.Sprintf(format, args...)})
	}
	for {
		cells, line, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			bad(line, "", "%v", err)
			continue
		}
		if blank(cells) {
			continue
		}
		get := func(c string) string {
			if i, ok := at[c]; ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		p := orders.Person{Email: get("email"), Name: get("name"), Role: orders.Role(strings.ToLower(get("role"))),
			SlackUserID: get("slack_user_id"), DigestChannel: get("digest_channel"),
			Language: orders.Language(strings.ToLower(get("language"))), Code: get("code")}
		switch {
		case p.Email == "":
			bad(line, "email", "the e-mail is missing")
		case !strings.Contains(p.Email, "@"):
			bad(line, "email", "%q is not an e-mail address", p.Email)
		case p.Name == "":
			bad(line, "name", "the name is missing")
		case seen[strings.ToLower(p.Email)] > 0:
			bad(line, "email", "%s appears twice (first on line %d)", p.Email, seen[strings.ToLower(p.Email)])
		default:
			if _, err := orders.ParseRole(string(p.Role)); err != nil {
				bad(line, "role", "%s", orders.ErrorMessage(err))
				continue
			}
			if p.Language != "" {
				if _, err := orders.ParseLanguage(string(p.Language)); err != nil {
					bad(line, "language", "%s", orders.ErrorMessage(err))
					continue
				}
			}
			seen[strings.ToLower(p.Email)] = line
			people = append(people, p)
		}
	}
	if len(problems) > 0 {
		return nil, &orders.InputErrors{Problems: problems, More: more}
	}
	return people, nil
}
