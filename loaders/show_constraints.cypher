// The labels that already have a uniqueness constraint on one property (for --dry-run).
SHOW CONSTRAINTS YIELD type, entityType, labelsOrTypes, properties
WHERE type IN ['UNIQUENESS', 'NODE_PROPERTY_UNIQUENESS'] AND entityType = 'NODE' AND size(properties) = 1
RETURN labelsOrTypes[0] AS label, properties[0] AS property
