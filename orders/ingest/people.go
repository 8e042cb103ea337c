package ingest

import (
	"bufio"
	"context"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/orderbot/orderbot/orders"
)

// peopleColumns are the columns of the people file; the first three are
// required. manager is the e-mail of the person's manager, who hears of
// their blocked orders nobody took on. code, beyond the documented header,
// gives the ERP's code of a person, for profiles that name people by code.
var peopleColumns = [...]string{"email", "name", "role", "slack_user_id", "digest_channel", "language", "manager", "code"}

// documentedPeople is how many of peopleColumns the documented header has.
const documentedPeople = 7

// PeopleOptions say how ReadPeopleContext reads the people file.
type PeopleOptions struct {
	// Limits bound the file as they bound exports; zero fields take their
	// defaults.
	Limits Limits
	// NamedBy lists how the exports name people: the people_by of the
	// profiles in use. Under orders.ByName, two people of the same name
	// (case aside) are an error, since an order naming them could go to
	// either. Two people of the same e-mail, Slack ID or code always are.
	NamedBy []orders.PeopleKey
}

// ReadPeople reads the people directory, a CSV file with the header
// email,name,role,slack_user_id,digest_channel,language,manager (the last
// four optional), in any of the encodings and separators exports come in. Every
// bad line is reported (an *orders.InputErrors, one line each, up to 100),
// and then no person is returned. ReadPeople reads under DefaultLimits,
// checks no name twice and cannot be interrupted: see ReadPeopleContext.
func ReadPeople(path string) ([]orders.Person, error) {
	return ReadPeopleContext(context.Background(), path, PeopleOptions{})
}

// ReadPeopleContext is ReadPeople under opt, reading until ctx ends. A
// path that is not a regular file (a folder, a FIFO, a device) is refused
// before it is read.
func ReadPeopleContext(ctx context.Context, path string, opt PeopleOptions) ([]orders.Person, error) {
	opt.Limits = opt.Limits.orDefault()
	f, _, err := openRegular(path, opt.Limits)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readPeople(ctx, path, f, opt)
}

// The forms of Slack's IDs: a person's (U, or W on Enterprise Grid), a
// channel's (C, or G for older private channels); and of a channel's name.
var (
	slackUserID    = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
	slackChannelID = regexp.MustCompile(`^[CG][A-Z0-9]{2,20}$`)
	slackAnyID     = regexp.MustCompile(`^[A-Z][A-Z0-9]{2,20}$`)
)

// slackChannelName reports whether s is a channel's name as Slack allows
// it, with or without its '#': lower-case letters, digits, '-' and '_', up
// to 80 of them.
func slackChannelName(s string) bool {
	s = strings.TrimPrefix(s, "#")
	if s == "" || len([]rune(s)) > 80 {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) && !unicode.IsUpper(r) && !unicode.IsTitle(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func readPeople(ctx context.Context, name string, r io.Reader, opt PeopleOptions) ([]orders.Person, error) {
	src, err := openPeople(ctx, name, r, opt.Limits)
	if err != nil {
		return nil, err
	}
	// next reads a record; a limit passed or an unreadable byte is final.
	next := func(header []string) ([]string, int, error) {
		cells, line, err := src.next()
		var le *limitError
		var bad *RowError
		switch {
		case err == nil, errors.Is(err, io.EOF), errors.As(err, &bad):
			return cells, line, err
		case errors.As(err, &le):
			return nil, 0, le.message(name, header)
		}
		return nil, 0, err
	}
	header, at, err := peopleHeader(name, next)
	if err != nil {
		return nil, err
	}
	seen := newPeopleSeen(opt.NamedBy)
	var (
		people   []orders.Person
		problems []orders.InputProblem
		more     int
		rows     int64
	)
	report := func(err error, line int) {
		if len(problems) == 100 {
			more++
			return
		}
		problems = append(problems, orders.InputProblem{Line: line, Text: err.Error()})
	}
	for {
		cells, line, err := next(header)
		if errors.Is(err, io.EOF) {
			break
		}
		var bad *RowError
		if errors.As(err, &bad) {
			report(bad, line)
			continue
		}
		if err != nil {
			return nil, err
		}
		if blank(cells) {
			continue
		}
		if rows++; rows > opt.Limits.MaxRows {
			return nil, lineError(name, line, "more than %s after the header", limitText(keyMaxRows, opt.Limits.MaxRows, "rows"))
		}
		p, ps := seen.person(cells, at, line)
		if err := ps.err(name, line); err != nil {
			report(err, line)
			continue
		}
		people = append(people, p)
	}
	if len(problems) > 0 {
		return nil, &orders.InputErrors{Problems: problems, More: more}
	}
	return people, nil
}

// openPeople checks that r holds CSV text and opens it as CSV.
func openPeople(ctx context.Context, name string, r io.Reader, lim Limits) (*csvSource, error) {
	var done atomic.Int64
	br := bufio.NewReaderSize(&countingReader{r: ctxReader{ctx: ctx, r: r}, n: &done, max: lim.MaxFileBytes}, sniffSize)
	head, err := br.Peek(sniffSize)
	full := err != nil
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(name, err)
	}
	switch sniff(head, false) {
	case contentEmpty:
		return nil, fileError(name, "the file is empty")
	case contentText:
	case contentUTF16:
		return nil, fileError(name, "UTF-16 text without a byte order mark: save it as CSV UTF-8")
	default:
		return nil, fileError(name, "not a CSV file")
	}
	return openCSV(name, br, head, full, &compiled{}, nil, &done, -1, lim)
}

// peopleHeader reads the header, the first row that is not blank, and
// returns it lower-cased with the index of each of its columns.
func peopleHeader(name string, next func([]string) ([]string, int, error)) ([]string, map[string]int, error) {
	var header []string
	headerLine := 0
	for {
		cells, line, err := next(nil)
		if errors.Is(err, io.EOF) {
			return nil, nil, fileError(name, "the file is empty")
		}
		if err != nil {
			return nil, nil, err
		}
		if !blank(cells) {
			header, headerLine = append([]string(nil), cells...), line
			break
		}
	}
	at := map[string]int{}
	for i, h := range header {
		if CheckNUL(h) != nil {
			return nil, nil, lineError(name, headerLine, "column %d: the header holds a NUL byte (\\0), which no text may hold", i+1)
		}
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range peopleColumns {
			known = known || c == h
		}
		if !known {
			return nil, nil, fileError(name, "unknown column %q (the columns are %s)", Clip(header[i]), strings.Join(peopleColumns[:documentedPeople], ","))
		}
		if _, twice := at[h]; twice {
			return nil, nil, fileError(name, "the header has the column %q twice, so which one to read is unclear", h)
		}
		at[h] = i
		header[i] = h
	}
	for _, c := range peopleColumns[:3] {
		if _, ok := at[c]; !ok {
			return nil, nil, fileError(name, "no column %q (the header is %s)", c, strings.Join(peopleColumns[:documentedPeople], ","))
		}
	}
	return header, at, nil
}

// peopleSeen is what the people file said so far: the line of the first
// person of each e-mail, Slack ID, code and name (lower-cased, as the
// store compares them).
type peopleSeen struct {
	emails, ids, codes, names map[string]int
	// byName: an export names people by name, so two of the same name
	// are an error.
	byName bool
}

func newPeopleSeen(namedBy []orders.PeopleKey) *peopleSeen {
	return &peopleSeen{emails: map[string]int{}, ids: map[string]int{}, codes: map[string]int{}, names: map[string]int{},
		byName: slices.Contains(namedBy, orders.ByName)}
}

// person reads the person of a row, cells of the columns at, and checks
// each of their cells, against the rows before too.
func (s *peopleSeen) person(cells []string, at map[string]int, line int) (orders.Person, rowProblems) {
	var ps rowProblems
	nul := map[string]bool{}
	for _, c := range peopleColumns {
		if i, ok := at[c]; ok && i < len(cells) && CheckNUL(cells[i]) != nil {
			nul[c] = true
			ps.add(c, "", `the cell holds a NUL byte (\0), which no text may hold`)
		}
	}
	get := func(c string) string {
		if i, ok := at[c]; ok && i < len(cells) && !nul[c] {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	p := orders.Person{Email: get("email"), Name: get("name"), Role: orders.Role(strings.ToLower(get("role"))),
		SlackUserID: get("slack_user_id"), DigestChannel: get("digest_channel"),
		Language: orders.Language(strings.ToLower(get("language"))), Code: get("code"), Manager: get("manager")}
	switch {
	case nul["email"]:
	case p.Email == "":
		ps.add("email", "", "the e-mail is missing")
	case !strings.Contains(p.Email, "@"):
		ps.add("email", p.Email, "%q is not an e-mail address", Clip(p.Email))
	case tooLong(p.Email, "an e-mail") != "":
		ps.add("email", p.Email, "%s", tooLong(p.Email, "an e-mail"))
	case s.emails[strings.ToLower(p.Email)] > 0:
		ps.add("email", p.Email, "%s appears twice (first on line %d)", Clip(p.Email), s.emails[strings.ToLower(p.Email)])
	}
	switch {
	case nul["name"]:
	case p.Name == "":
		ps.add("name", "", "the name is missing")
	case tooLong(p.Name, "a name") != "":
		ps.add("name", p.Name, "%s", tooLong(p.Name, "a name"))
	case s.byName && s.names[strings.ToLower(p.Name)] > 0:
		ps.add("name", p.Name, "%q appears twice (first on line %d): an export names people by name (people_by: name), so its orders could go to either",
			Clip(p.Name), s.names[strings.ToLower(p.Name)])
	}
	if _, err := orders.ParseRole(string(p.Role)); err != nil && !nul["role"] {
		ps.add("role", string(p.Role), "%s", orders.ErrorMessage(err))
	}
	switch id := p.SlackUserID; {
	case id == "" || slackUserID.MatchString(id) && s.ids[id] == 0:
	case slackUserID.MatchString(id):
		ps.add("slack_user_id", id, "%s appears twice (first on line %d)", id, s.ids[id])
	case slackChannelID.MatchString(id):
		ps.add("slack_user_id", id, "%q is a channel's ID, not a person's (U or W then capital letters and digits)", id)
	default:
		ps.add("slack_user_id", id, "%q is not a Slack user ID (U or W then capital letters and digits, such as U012AB3CDE: in Slack, the person's profile, ⋮, Copy member ID)", Clip(id))
	}
	switch ch := p.DigestChannel; {
	case ch == "" || slackChannelID.MatchString(ch) || slackChannelName(ch):
	case slackAnyID.MatchString(ch) && (ch[0] == 'U' || ch[0] == 'W'):
		ps.add("digest_channel", ch, "%q is a person's ID, not a channel's (C or G then capital letters and digits, or #name)", ch)
	default:
		ps.add("digest_channel", ch, "%q is not a Slack channel (its ID, C or G then capital letters and digits, such as C012AB3CDE, or its name, such as #ventes-est)", Clip(ch))
	}
	if p.Language != "" {
		if _, err := orders.ParseLanguage(string(p.Language)); err != nil {
			ps.add("language", string(p.Language), "%s", orders.ErrorMessage(err))
		}
	}
	switch m := p.Manager; {
	case m == "":
	case !strings.Contains(m, "@") || strings.ContainsAny(m, " \t,;<>"):
		ps.add("manager", m, "%q is not an e-mail address (the manager's e-mail, as in their own row's email column)", Clip(m))
	case tooLong(m, "an e-mail") != "":
		ps.add("manager", m, "%s", tooLong(m, "an e-mail"))
	case strings.EqualFold(m, p.Email):
		ps.add("manager", m, "%s is the person's own e-mail: a person is not their own manager", Clip(m))
	}
	switch {
	case p.Code == "":
	case tooLong(p.Code, "a code") != "":
		ps.add("code", p.Code, "%s", tooLong(p.Code, "a code"))
	case s.codes[p.Code] > 0:
		ps.add("code", p.Code, "%s appears twice (first on line %d)", Clip(p.Code), s.codes[p.Code])
	}
	// The first line of each key counts, bad or not, so that a second one
	// is found whatever the first's other problems.
	for _, k := range []struct {
		m map[string]int
		v string
	}{{s.emails, strings.ToLower(p.Email)}, {s.ids, p.SlackUserID}, {s.codes, p.Code}, {s.names, strings.ToLower(p.Name)}} {
		if _, seen := k.m[k.v]; k.v != "" && !seen {
			k.m[k.v] = line
		}
	}
	return p, ps
}
