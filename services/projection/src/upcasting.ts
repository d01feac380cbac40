import { currentSchemaVersion } from '@orderflow/contracts';
import type { UpcastingOptions } from '@orderflow/event-store';

/**
 * Kafka messages and stored events reach projections in the current schema version of
 * their type. Every type is at version 1 today; a bump adds its upcaster here.
 */
export const upcasting: UpcastingOptions = { currentSchemaVersions: currentSchemaVersion, upcasters: {} };
