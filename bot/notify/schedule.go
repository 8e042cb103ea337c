package notify

import "time"

// Schedule is when something is posted: a time of day on some days of the
// week, in a time zone.
type Schedule struct {
	Days         map[time.Weekday]bool
	Hour, Minute int
	Loc          *time.Location
}

// Latest returns the latest scheduled moment at or before now, within the
// last week; false when the schedule has no day.
func (s Schedule) Latest(now time.Time) (time.Time, bool) {
	local := now.In(s.Loc)
	for back := 0; back <= 7; back++ {
		d := local.AddDate(0, 0, -back)
		slot := time.Date(d.Year(), d.Month(), d.Day(), s.Hour, s.Minute, 0, 0, s.Loc)
		if s.Days[slot.Weekday()] && !slot.After(local) {
			return slot, true
		}
	}
	return time.Time{}, false
}

// Previous returns the scheduled moment before slot.
func (s Schedule) Previous(slot time.Time) (time.Time, bool) {
	return s.Latest(slot.Add(-time.Minute))
}

// Day names a slot's day in keys: 2026-11-27.
func Day(slot time.Time) string { return slot.Format(time.DateOnly) }

// WorkingDays says which days count when an alert waits for someone: the
// days of the week worked, less holidays (YYYY-MM-DD), in a time zone.
type WorkingDays struct {
	Days     map[time.Weekday]bool
	Holidays map[string]bool
	Loc      *time.Location
}

// Working reports whether the day of t (in the zone) is worked.
func (w WorkingDays) Working(t time.Time) bool {
	t = t.In(w.Loc)
	return w.Days[t.Weekday()] && !w.Holidays[Day(t)]
}

// Cutoff returns the moment n working days before now: a block that
// started at or before it has waited n working days (a block of Friday
// 10:00 waits its second working day on Tuesday 10:00, or Wednesday when
// Monday is a holiday). Only a working day has a cutoff: false on a day
// off, or when no day of the last year is worked.
func (w WorkingDays) Cutoff(now time.Time, n int) (time.Time, bool) {
	local := now.In(w.Loc)
	if n <= 0 || !w.Working(local) {
		return time.Time{}, false
	}
	d := local
	for back := 0; n > 0; back++ {
		if back > 366 {
			return time.Time{}, false
		}
		d = d.AddDate(0, 0, -1)
		if w.Working(d) {
			n--
		}
	}
	return d, true
}
