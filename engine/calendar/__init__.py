"""The calendar side, pure: cron schedules and occurrences in a couple's zones, what a feed
holds, and its iCalendar rendering. Imports the events, the domain's states and the views."""
