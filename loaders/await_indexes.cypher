// Wait until every index (those behind the uniqueness constraints too) is online:
// after a bulk import the constraints are created on a full database and their
// indexes are populated in the background. $seconds: how long to wait at most.
CALL db.awaitIndexes($seconds)
