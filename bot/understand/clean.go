package understand

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// slackEntity is one of Slack's angle-bracket constructs: a user or channel
// mention, a special mention (<!here>), or a link with an optional label.
var slackEntity = regexp.MustCompile(`<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>`)

// slashCommand is a slash command typed at the start of a message, which
// Slack passes on when a user types it in a channel the app is not in, and
// which people copy from the help.
// emoji is an emoji as Slack sends it, by its short name: ":pray:".
var emoji = regexp.MustCompile(`:[a-z0-9_+'-]+:`)

// lastSegment is the last part of a link's path, where ERPs put the number
// of what the link shows.
var lastSegment = regexp.MustCompile(`[^/?#=&]*\d[^/?#=&]*$`)

var slashCommand = regexp.MustCompile(`(?i)^\s*/(?:commande|order|orderbot)\b`)

// Clean returns a Slack message as a person meant it: mentions and special
// mentions removed, links replaced by their label (or address), formatting
// marks (*bold*, _italic_, ~strike~, `code`) and emoji (:pray:) dropped, Slack's HTML escapes
// (&amp; &lt; &gt;) decoded, invalid UTF-8 and control characters replaced,
// and runs of spaces joined.
func Clean(msg string) string {
	if !utf8.ValidString(msg) {
		msg = strings.ToValidUTF8(msg, " ")
	}
	msg = slackEntity.ReplaceAllStringFunc(msg, func(m string) string {
		p := slackEntity.FindStringSubmatch(m)
		sigil, target, label := p[1], p[2], p[3]
		switch sigil {
		case "@", "!":
			// A mention of the bot or of someone else, <!here>, <!channel>:
			// none of them says what is asked. A date (<!date^...|label>)
			// keeps its label.
			if strings.HasPrefix(target, "date^") {
				return " " + label + " "
			}
			return " "
		case "#":
			return " " + label + " "
		}
		if label != "" {
			// A link to an order labelled "voir la cde" still names the
			// order, in its address.
			if seg := lastSegment.FindString(strings.TrimRight(target, "/")); seg != "" && !strings.Contains(label, seg) {
				return " " + label + " " + seg + " "
			}
			return " " + label + " "
		}
		return " " + strings.TrimPrefix(target, "mailto:") + " "
	})
	msg = slashCommand.ReplaceAllString(msg, " ")
	msg = emoji.ReplaceAllString(msg, " ")
	msg = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(msg)
	var b strings.Builder
	for _, r := range msg {
		switch {
		case r == '*' || r == '~' || r == '`':
			b.WriteByte(' ')
		case r == '_':
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// Fold returns s as it is compared with the words orderbot knows: lower
// case, without accents, ligatures spelled out (œ, æ), apostrophes and
// punctuation other than what joins a word turned into spaces.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range foldAccents(strings.ToLower(s)) {
		switch {
		case r == 'œ':
			b.WriteString("oe")
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func foldAccents(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			// Decomposed, an accented letter is its letter and a mark:
			// the marks go.
			d := norm.NFD.String(s)
			var b strings.Builder
			b.Grow(len(d))
			for _, r := range d {
				if !unicode.Is(unicode.Mn, r) {
					b.WriteRune(r)
				}
			}
			return b.String()
		}
	}
	return s
}
