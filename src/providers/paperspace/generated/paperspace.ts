/**
 * Generated from openapi/paperspace.openapi.yaml by scripts/generate-clients.mjs (openapi-typescript).
 * Do not edit by hand: change the spec and run `npm run generate`.
 * Only the adapter in this folder may import these types.
 */

export interface paths {
    "/machine-availability": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get machine availability
         * @description Gets the machine availability for a given region and machine type.
         */
        get: operations["machineAvailability-list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/machines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List machines */
        get: operations["machines-list"];
        put?: never;
        /** Create a machine */
        post: operations["machines-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/machines/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** Get a machine */
        get: operations["machines-get"];
        put?: never;
        post?: never;
        /** Delete a machine */
        delete: operations["machines-delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/machines/{id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Stop a machine */
        patch: operations["machines-stop"];
        trace?: never;
    };
    "/machines/{id}/start": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Start a machine */
        patch: operations["machines-start"];
        trace?: never;
    };
    "/machine-events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a machine event (poll async operations) */
        get: operations["machineEvents-get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/os-templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List OS templates */
        get: operations["osTemplates-list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/custom-templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List templates */
        get: operations["customTemplates-list"];
        put?: never;
        /** Create template (from an existing machine only; no image import) */
        post: operations["customTemplates-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/startup-scripts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List startup scripts */
        get: operations["startupScripts-list"];
        put?: never;
        /** Create startup script (the only user-data-like mechanism) */
        post: operations["startupScripts-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/startup-scripts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete startup script */
        delete: operations["startupScripts-delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        StartupScript: {
            id: string;
            name: string;
            description?: string | null;
            isEnabled: boolean;
            isRunOnce: boolean;
            assignedMachineIds: string[];
            /** Format: date-time */
            dtCreated?: string;
            /** Format: date-time */
            dtDeleted?: string | null;
        };
        MachineCreateRequest: {
            name: string;
            /** @description e.g. A100-80G, H100, A6000 (free-form string in spec) */
            machineType: string;
            templateId: string;
            /** @example ny2 */
            region: string;
            /** @description The disk size in gigabytes. */
            diskSize: number;
            networkId?: string;
            /** @enum {string} */
            publicIpType?: "static" | "dynamic" | "none";
            startupScriptId?: string;
            startOnCreate?: boolean;
            accessorIds?: string[];
            autoShutdownEnabled?: boolean;
            autoShutdownForce?: boolean;
            /** @description hours */
            autoShutdownTimeout?: number;
            autoSnapshotEnabled?: boolean;
            /** @enum {string} */
            autoSnapshotFrequency?: "hourly" | "daily" | "weekly" | "monthly";
            autoSnapshotSaveCount?: number;
            /** @default true */
            emailPassword: boolean;
            enableNvlink?: boolean;
            restorePointEnabled?: boolean;
            /** @enum {string} */
            restorePointFrequency?: "shutdown";
            takeInitialSnapshot?: boolean;
        };
        MachineWithEvent: {
            data?: components["schemas"]["Machine"];
            event?: components["schemas"]["MachineEvent"];
        };
        MachineEvent: {
            id?: string;
            machineId?: string | null;
            /** @enum {string} */
            name?: "bill-sessions" | "bill-upgrade" | "create" | "deactivate" | "restart" | "snapshot-create" | "snapshot-delete" | "snapshot-restore" | "start" | "stop" | "template-create" | "template-delete" | "template-distribute" | "template-import" | "vm-migrate" | "vm-shutdown-force" | "vm-upgrade";
            /** @enum {string} */
            state?: "new" | "in progress" | "done" | "error" | "cancelled";
            error?: string | null;
            /** Format: date-time */
            dtCreated?: string;
            /** Format: date-time */
            dtStarted?: string;
            /** Format: date-time */
            dtFinished?: string;
        };
        Machine: {
            id?: string;
            name?: string;
            machineType?: string;
            agentType?: string;
            os?: string;
            region?: string;
            /** @enum {string} */
            state?: "off" | "starting" | "stopping" | "restarting" | "serviceready" | "ready" | "upgrading" | "provisioning";
            accelerators?: {
                name?: string;
                count?: number;
                memory?: number | null;
            }[] | null;
            cpus?: number;
            /**
             * Format: int64
             * @description bytes
             */
            ram?: number;
            publicIp?: string | null;
            /** @enum {string} */
            publicIpType?: "static" | "dynamic" | "none";
            privateIp?: string | null;
            networkId?: string | null;
            /** @description The usage rate of the machine (hourly price; no currency field) */
            usageRate?: number;
            storageRate?: number;
            /** Format: int64 */
            storageTotal?: number;
            /** Format: int64 */
            storageUsed?: number;
            reservation?: Record<string, never> | null;
            updatesPending?: boolean;
            /** Format: date-time */
            dtCreated?: string;
            /** Format: date-time */
            dtModified?: string;
            /** Format: date-time */
            dtDeleted?: string | null;
        };
        Template: {
            id?: string;
            name?: string;
            agentType?: string;
            defaultSizeGb?: number | null;
            availableMachineTypes?: {
                machineTypeLabel?: string;
                isAvailable?: boolean;
            }[];
            /** Format: date-time */
            dtCreated?: string;
        };
    };
    responses: {
        /** @description Error response */
        error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    message: string;
                    /** @example UNAUTHORIZED */
                    code: string;
                    details?: Record<string, never>;
                };
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    "machineAvailability-list": {
        parameters: {
            query: {
                machineType: string;
                region: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        available: boolean;
                    };
                };
            };
            default: components["responses"]["error"];
        };
    };
    "machines-list": {
        parameters: {
            query?: {
                /** @description Fetch the next page of results after this cursor. */
                after?: string;
                limit?: number;
                orderBy?: "dtCreated" | "name" | "state";
                order?: "asc" | "desc";
                name?: string;
                region?: string;
                agentType?: string;
                machineType?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        hasMore: boolean;
                        /** @description Cursor; use ?after=nextPage */
                        nextPage?: string;
                        items: components["schemas"]["Machine"][];
                    };
                };
            };
            default: components["responses"]["error"];
        };
    };
    "machines-create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MachineCreateRequest"];
            };
        };
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MachineWithEvent"];
                };
            };
            default: components["responses"]["error"];
        };
    };
    "machines-get": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Machine"];
                };
            };
            default: components["responses"]["error"];
        };
    };
    "machines-delete": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MachineWithEvent"];
                };
            };
            default: components["responses"]["error"];
        };
    };
    "machines-stop": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MachineWithEvent"];
                };
            };
            default: components["responses"]["error"];
        };
    };
    "machines-start": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MachineWithEvent"];
                };
            };
            default: components["responses"]["error"];
        };
    };
    "machineEvents-get": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MachineEvent"];
                };
            };
            default: components["responses"]["error"];
        };
    };
    "osTemplates-list": {
        parameters: {
            query?: {
                after?: string;
                limit?: number;
                orderBy?: "name";
                order?: "asc" | "desc";
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        hasMore: boolean;
                        nextPage?: string;
                        items: components["schemas"]["Template"][];
                    };
                };
            };
            default: components["responses"]["error"];
        };
    };
    "customTemplates-list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        hasMore: boolean;
                        nextPage?: string;
                        items: components["schemas"]["Template"][];
                    };
                };
            };
            default: components["responses"]["error"];
        };
    };
    "customTemplates-create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The ID of the machine to create a template from. */
                    machineId: string;
                    name: string;
                };
            };
        };
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data?: components["schemas"]["Template"];
                    };
                };
            };
            default: components["responses"]["error"];
        };
    };
    "startupScripts-list": {
        parameters: {
            query?: {
                /** @description Fetch the next page of results after this cursor. */
                after?: string;
                limit?: number;
                orderBy?: "dtCreated" | "name";
                order?: "asc" | "desc";
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        hasMore: boolean;
                        nextPage?: string | null;
                        items: components["schemas"]["StartupScript"][];
                    };
                };
            };
            default: components["responses"]["error"];
        };
    };
    "startupScripts-create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description The script to run on startup. */
                    script: string;
                    /** @description Whether the script should only run once on first boot or on every boot. */
                    isRunOnce?: boolean;
                };
            };
        };
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StartupScript"];
                };
            };
            default: components["responses"]["error"];
        };
    };
    "startupScripts-delete": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StartupScript"];
                };
            };
            default: components["responses"]["error"];
        };
    };
}
