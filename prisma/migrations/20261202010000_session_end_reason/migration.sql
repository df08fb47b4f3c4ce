-- Why a session ended when it was not the user's sign-out: Anaplan refused the session's own authorisation (the
-- person was removed or deactivated there, or their grant revoked). The sign-in page shows it to the browser whose
-- session it was.
ALTER TABLE "user_sessions" ADD COLUMN "end_reason" TEXT;
