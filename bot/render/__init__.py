"""Pictures of the event (no Discord import): the Discord layer attaches the bytes."""
