"""The web pages and calendar feeds, served by the bot's own process (aiohttp.web): a public
page per event, a private page and feed per attendee, feeds of the whole event and of a track.
Rendered from the rules' snapshot (`EventService.web_timetable`); no Discord import."""
