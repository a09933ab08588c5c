"""Set-password invitations: each person's state, why one is skipped, and the job's status.

Pure constants, read by the server, the command-line client and the console alike.
"""

# A person's state. `sending` is the worker's own (a mail handed to the SMTP server, its
# answer not recorded yet); the API reports it as `queued`.
QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"

# The states import.invitations reports, in the order a person goes through them.
REPORTED_STATES = (QUEUED, SENT, FAILED, SKIPPED)
# What the worker still has to send.
OPEN = (QUEUED, SENDING)
# What import.invite queues again without `resend` (a failure may have been fixed since).
REQUEUEABLE = (FAILED, SKIPPED)

# Why import.invite did not queue a person: the keys of its `skipped` counts.
NO_EMAIL = "no-email"
LOGGED_IN = "logged-in"
INACTIVE = "inactive"
ALREADY_SENT = "already-sent"
ALREADY_QUEUED = "already-queued"
NOT_IN_OPERATION = "not-in-operation"
CANCELLED = "cancelled"
USER_REMOVED = "user-removed"
SKIP_REASONS = {
    NO_EMAIL: "the user has no e-mail address",
    LOGGED_IN: "the user has logged in already",
    INACTIVE: "the user is deactivated",
    ALREADY_SENT: "an invitation was sent already (resend: true sends another)",
    ALREADY_QUEUED: "an invitation is waiting to be sent",
    NOT_IN_OPERATION: "no user of that username was created by the operation",
    CANCELLED: "import.invitations.cancel stopped it before it was sent",
    USER_REMOVED: "the user was deleted before the mail was sent",
}

# The job of one operation's invitations: `sending` while some are open, then `done`;
# import.invitations reports `none` for an operation nobody was invited to yet.
JOB_NONE = "none"
JOB_SENDING = "sending"
JOB_DONE = "done"
JOB_STATUSES = (JOB_NONE, JOB_SENDING, JOB_DONE)
