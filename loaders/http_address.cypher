// Where the server's HTTP connector (Neo4j Browser) listens, if it is on.
// $names: the setting names (server.http.enabled, server.http.listen_address).
// Used by kg.store.browser_guide.browser_url_of; needs an admin user (neo4j is one in Community).
CALL dbms.listConfig() YIELD name, value
WHERE name IN $names
RETURN name, value
