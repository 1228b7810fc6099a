"""The follow-up engine: what is owed to whom, and when.

A newcomer reads it in this order: `rules` (the settings it follows), `calendar` (working days
and hours), `cycles` (reporting periods of recurring duties), `plan` (what one task is owed at
an instant, and when to look again), `engine` (the sweep over the due index, in batches),
`digest` (the weekly digest), `requests` (snooze, mute, leave, extension requests).
"""
