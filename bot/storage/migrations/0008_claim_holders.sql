-- Who is sending an announcement or a reminder it claimed: the holder (a process's own id)
-- until Discord has taken the message, then NULL. A claim a killed process left with a holder
-- is taken over by the process that owns the guild next, which sends it again with the same
-- nonce, so that Discord returns the message if the first try had reached it.
ALTER TABLE sent_announcements ADD COLUMN holder TEXT;
ALTER TABLE sent_reminders ADD COLUMN holder TEXT;
