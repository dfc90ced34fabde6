/**
 * The data stores' default TCP ports: the Aurora PostgreSQL cluster's and the ElastiCache
 * replication group's. The modules default to them, and the private-data tier's network ACLs admit
 * them unless the environment file says otherwise.
 */
export const DEFAULT_DATA_PORTS = { postgres: 5432, cache: 6379 } as const;
