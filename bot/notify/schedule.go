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
