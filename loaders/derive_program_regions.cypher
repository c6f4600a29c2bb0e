// Derived properties of Program nodes for the saved query programs_across_regions
// (queries/programs_across_regions.cypher), which then reads one node per program
// instead of joining every RUNS with every IN_REGION (~50k rows at 100k relationships):
//   region_count       INT64    distinct Region nodes the program's organisers are IN_REGION of
//   regions            STRING[] their names, sorted
//   region_organisers  STRING[] names of the organisers (subjects of RUNS into the program)
//                               with at least one such region, distinct, sorted
// A program none of whose organisers has a region gets 0, [] and [].
// The embedded database computes the same in kg/store/embedded.py (_derived_program_regions).
// Run after every load, once nodes and relationships are in (no parameters).
// Every Program is recomputed, because a merged folder can change a program it
// does not mention (a new IN_REGION of one of its organisers); a node is written
// only when a value differs, so re-running after an unchanged load sets nothing
// (all counters 0). Returns the programs looked at and the programs written.
MATCH (p:Program)
CALL (p) {
  OPTIONAL MATCH (p)<-[:RUNS]-(o)-[:IN_REGION]->(g:Region)
  WITH DISTINCT g.name AS region ORDER BY region
  RETURN collect(region) AS regions
}
CALL (p) {
  OPTIONAL MATCH (p)<-[:RUNS]-(o)
  WHERE EXISTS { (o)-[:IN_REGION]->(:Region) }
  WITH DISTINCT o.name AS organiser ORDER BY organiser
  RETURN collect(organiser) AS organisers
}
WITH p, size(regions) AS region_count, regions, organisers
WITH p, region_count, regions, organisers,
     p.region_count IS NULL OR p.region_count <> region_count
     OR p.regions IS NULL OR p.regions <> regions
     OR p.region_organisers IS NULL OR p.region_organisers <> organisers AS changed
FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END |
  SET p.region_count = region_count, p.regions = regions, p.region_organisers = organisers)
RETURN count(p) AS programs, sum(CASE WHEN changed THEN 1 ELSE 0 END) AS written
