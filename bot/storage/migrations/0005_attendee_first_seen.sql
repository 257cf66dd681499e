-- When the bot first met each attendee, so that people who only looked (never verified, never
-- proposed or rated anything) can be forgotten after a while. Rows from before have none.
ALTER TABLE attendees ADD COLUMN first_seen {timestamp};
