/**
 * Generated from the API's /openapi.json by openapi-typescript (npm run client:generate).
 * Do not edit: change api/openapi.ts (or openapiSchemas.ts) and regenerate.
 */
export {};
