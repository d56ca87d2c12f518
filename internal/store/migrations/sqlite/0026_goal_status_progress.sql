-- A goal's status and its progress agree from now on (goal.StatusFor): 0 %
-- is not started, 1–99 % in progress, 100 % reached; dropped is the pair's
-- decision and keeps whatever progress they got to. Rows written before
-- could disagree ("not started" at 50 %). A goal someone marked reached
-- stays reached, at 100 %: that was a deliberate step, where a status left
-- behind while the progress moved was not. Every other row takes the status
-- its progress gives it. Changed rows get a new version, so a form opened
-- before the change is refused instead of writing the old pair back.
-- History is left as it was: nobody made these changes.
UPDATE goals SET progress = 100, version = version + 1
WHERE status = 'reached' AND progress <> 100;

UPDATE goals SET
    status = CASE WHEN progress >= 100 THEN 'reached' WHEN progress <= 0 THEN 'open' ELSE 'in_progress' END,
    version = version + 1
WHERE status <> 'dropped'
  AND status <> CASE WHEN progress >= 100 THEN 'reached' WHEN progress <= 0 THEN 'open' ELSE 'in_progress' END;
