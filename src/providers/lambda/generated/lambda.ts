/**
 * Generated from openapi/lambda.openapi.json by scripts/generate-clients.mjs (openapi-typescript).
 * Do not edit by hand: change the spec and run `npm run generate`.
 * Only the adapter in this folder may import these types.
 */

export interface paths {
    "/api/v1/instances": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List running instances
         * @description Retrieves a list of your running instances.
         */
        get: operations["listInstances"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/instances/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Retrieve instance details
         * @description Retrieves the details of a specific instance, including whether or not the instance is running.
         */
        get: operations["getInstance"];
        put?: never;
        /**
         * Update instance details
         * @description Updates the details of the specified instance.
         */
        post: operations["postInstance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/instance-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List available instance types
         * @description Retrieves a list of the instance types currently offered on Lambda's public cloud, as well as details about each type. Details include resource specifications, pricing, and regional availability.
         */
        get: operations["listInstanceTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/instance-operations/launch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Launch instances
         * @description Launches a Lambda On-Demand Cloud instance.
         */
        post: operations["launchInstance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/instance-operations/restart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restart instances
         * @description Restarts one or more instances.
         */
        post: operations["restartInstance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/instance-operations/terminate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Terminate instances
         * @description Terminates one or more instances.
         */
        post: operations["terminateInstance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ssh-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List your SSH keys
         * @description Retrieves a list of your SSH keys.
         */
        get: operations["listSSHKeys"];
        put?: never;
        /**
         * Add an SSH key
         * @description Add an SSH key to your Lambda Cloud account. You can upload an existing public
         *     key, or you can generate a new key pair.
         *
         *     -  To use an existing key pair, set the `public_key` property in the request body
         *        to your public key.
         *
         *     -  To generate a new key pair, omit the `public_key` property from the request
         *        body.
         *
         *     :::note{type="attention" title="Important"}
         *     Lambda doesn't store your private key after it's been generated.
         *     If you generate a new key pair, make sure to save the resulting private key locally.
         *     :::
         *
         *     For example, to generate a new key pair and associate it with a Lambda
         *     On-Demand Cloud instance:
         *
         *     1. Generate the key pair. The command provided below automatically extracts and
         *         saves the returned private key to a new file called `key.pem`. Replace
         *         `<NEW-KEY-NAME>` with the name you want to assign to the SSH key:
         *
         *         ```bash
         *         curl --request POST --url 'https://cloud.lambda.ai/api/v1/ssh-keys' \
         *         --fail \
         *         --user ${LAMBDA_API_KEY}: \
         *         --data '{"name": "<NEW-KEY-NAME>"}' \
         *         | jq -r '.data.private_key' > key.pem
         *         ```
         *
         *     2. Next, set the private key's permissions to read-only:
         *
         *         ```bash
         *         chmod 400 key.pem
         *         ```
         *
         *     3. Launch a new instance. Replace `<NEW-KEY-NAME>` with the name you assigned
         *        to your SSH key.
         *
         *         ```bash
         *         curl --request POST 'https://cloud.lambda.ai/api/v1/instance-operations/launch' \
         *         --fail \
         *         --user ${LAMBDA_API_KEY}: \
         *         --data '{"region_name":"us-west-1","instance_type_name":"gpu_1x_a10","ssh_key_names":["<NEW-KEY-NAME>"],"file_system_names":[],"quantity":1,"name":"My Instance"}'
         *         ```
         *
         *     4. From your local terminal, establish an SSH connection to the instance.
         *        Replace `<INSTANCE-IP>` with the public IP of the instance:
         *
         *         ```bash
         *         ssh -i key.pem <INSTANCE-IP>
         *         ```
         */
        post: operations["addSSHKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ssh-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete an SSH key
         * @description Deletes the specified SSH key.
         */
        delete: operations["deleteSSHKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/file-systems": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List filesystems
         * @description Retrieves a list of your filesystems.
         */
        get: operations["listFilesystems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/filesystems": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create filesystem
         * @description Creates a new filesystem.
         */
        post: operations["createFilesystem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/filesystems/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete filesystem
         * @description Deletes the filesystem with the specified ID. The filesystem must not be mounted to any running instances at the time of deletion.
         */
        delete: operations["filesystemDelete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List available images
         * @description Retrieves a list of available images by region.
         */
        get: operations["listImages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/firewall-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List inbound firewall rules
         * @description Retrieves a list of your firewall rules.
         *
         *     **Note:** Firewall rules do not apply to the **us-south-1** region.
         */
        get: operations["firewallRulesList"];
        /**
         * Replace inbound firewall rules
         * @description Overwrites the inbound firewall rules currently active for your account's instances with the desired rules.
         *
         *     **Note:** Firewall rules do not apply to the **us-south-1** region.
         */
        put: operations["firewallRulesSet"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/firewall-rulesets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List firewall rulesets
         * @description Retrieves a list of your firewall rulesets.
         */
        get: operations["firewallRulesetsList"];
        put?: never;
        /**
         * Create firewall ruleset
         * @description Creates a new firewall ruleset with the specified name and rules.
         */
        post: operations["createFirewallRuleset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/firewall-rulesets/global": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Retrieve global firewall ruleset details
         * @description Retrieves the details of the global firewall ruleset.
         */
        get: operations["getGlobalFirewallRuleset"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update global firewall ruleset
         * @description Updates the global firewall ruleset. This allows updating the rules only.
         */
        patch: operations["updateGlobalFirewallRuleset"];
        trace?: never;
    };
    "/api/v1/firewall-rulesets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Retrieve firewall ruleset details
         * @description Retrieves the details of a specific firewall ruleset.
         */
        get: operations["getFirewallRuleset"];
        put?: never;
        post?: never;
        /**
         * Delete firewall ruleset
         * @description Deletes the firewall ruleset with the specified ID.
         */
        delete: operations["deleteFirewallRuleset"];
        options?: never;
        head?: never;
        /**
         * Update firewall ruleset
         * @description Updates a firewall ruleset. This is a partial update that allows updating either the name, rules, or both.
         */
        patch: operations["updateFirewallRuleset"];
        trace?: never;
    };
    "/api/v1/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get audit events
         * @description Retrieves a list of audit events that have occurred in your account. To view the full catalog of possible audit events, visit [Access and security > Audit logs](https://docs.lambda.ai/public-cloud/access-security#audit-logs) in the Lambda Cloud documentation.
         */
        get: operations["getAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** ApiErrorUnauthorized */
        ApiErrorUnauthorized: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/invalid-api-key";
            /**
             * @description A description of the error.
             * @default API key was invalid, expired, or deleted.
             */
            message: string;
            /**
             * @description One or more suggestions of possible ways to fix the error.
             * @default Check your API key or create a new one, then try again.
             */
            suggestion: string;
        };
        /** ApiErrorAccountInactive */
        ApiErrorAccountInactive: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/account-inactive";
            /**
             * @description A description of the error.
             * @default Your account is inactive.
             */
            message: string;
            /**
             * @description One or more suggestions of possible ways to fix the error.
             * @default Make sure you have verified your email address and have a valid payment method. Contact Support if problems continue.
             */
            suggestion: string;
        };
        /**
         * InstanceActionUnavailableCode
         * @enum {string}
         */
        InstanceActionUnavailableCode: "vm-has-not-launched" | "vm-is-too-old" | "vm-is-terminating";
        /** InstanceActionAvailabilityDetails */
        InstanceActionAvailabilityDetails: {
            /** @description If set, indicates that the relevant operation can be performed on the instance in its current state. */
            available: boolean;
            /** @description A code representing the instance state that is blocking the operation. Only provided if the operation is blocked. */
            reason_code?: components["schemas"]["InstanceActionUnavailableCode"] | string;
            /** @description A longer description of why this operation is currently blocked. Only provided if the operation is blocked. */
            reason_description?: string;
        };
        /**
         * InstanceStatus
         * @description The current status of the instance.
         * @enum {string}
         */
        InstanceStatus: "booting" | "active" | "unhealthy" | "terminated" | "terminating" | "preempted";
        /**
         * FilesystemMountEntry
         * @description The mount point for a filesystem mounted to an instance.
         */
        FilesystemMountEntry: {
            /**
             * @description The absolute path indicating where on the instance the filesystem will be mounted.
             * @example /data/custom-mount-point
             */
            mount_point: string;
            /**
             * @description The id of the filesystem to mount to the instance.
             * @example 398578a2336b49079e74043f0bd2cfe8
             */
            file_system_id: string;
        };
        /**
         * PublicRegionCode
         * @enum {string}
         */
        PublicRegionCode: "europe-central-1" | "asia-south-1" | "australia-east-1" | "me-west-1" | "asia-northeast-1" | "asia-northeast-2" | "us-east-1" | "us-west-2" | "us-west-1" | "us-south-1" | "us-west-3" | "us-midwest-1" | "us-east-2" | "us-south-2" | "us-south-3" | "us-east-3" | "us-midwest-2";
        /** Region */
        Region: {
            /**
             * @description The region code.
             * @example us-west-1
             */
            name: components["schemas"]["PublicRegionCode"];
            /**
             * @description The location represented by the region code.
             * @example California, USA
             */
            description: string;
        };
        /** InstanceTypeSpecs */
        InstanceTypeSpecs: {
            /**
             * @description The number of virtual CPUs.
             * @example 208
             */
            vcpus: number;
            /**
             * @description The amount of RAM in gibibytes (GiB).
             * @example 1800
             */
            memory_gib: number;
            /**
             * @description The amount of storage in gibibytes (GiB).
             * @example 24780
             */
            storage_gib: number;
            /**
             * @description The number of GPUs.
             * @example 8
             */
            gpus: number;
        };
        /** InstanceType */
        InstanceType: {
            /**
             * @description The name of the instance type.
             * @example gpu_8x_h100_sxm5gdr
             */
            name: string;
            /**
             * @description A description of the instance type.
             * @example 8x H100 (80 GB SXM5)
             */
            description: string;
            /**
             * @description The type of GPU used by this instance type.
             * @example H100 (80 GB SXM5)
             */
            gpu_description: string;
            /**
             * @description The price of the instance type in US cents per hour.
             * @example 3592
             */
            price_cents_per_hour: number;
            /** @description Detailed technical specifications for the instance type. */
            specs: components["schemas"]["InstanceTypeSpecs"];
        };
        /** InstanceActionAvailability */
        InstanceActionAvailability: {
            /**
             * @description Indicates whether the instance is currently able to be migrated.
             *     If not, describes why the operation is blocked.
             */
            migrate: components["schemas"]["InstanceActionAvailabilityDetails"];
            /**
             * @description Indicates whether the instance is currently able to be rebuilt.
             *     If not, describes why the operation is blocked.
             */
            rebuild: components["schemas"]["InstanceActionAvailabilityDetails"];
            /**
             * @description Indicates whether the instance is currently able to be restarted.
             *     If not, describes why the operation is blocked.
             */
            restart: components["schemas"]["InstanceActionAvailabilityDetails"];
            /**
             * @description Indicates whether the instance is currently eligible for a cold reboot.
             *     If not, describes why the operation is blocked.
             */
            cold_reboot: components["schemas"]["InstanceActionAvailabilityDetails"];
            /**
             * @description Indicates whether the instance is currently able to be terminated.
             *     If not, describes why the operation is blocked.
             */
            terminate: components["schemas"]["InstanceActionAvailabilityDetails"];
        };
        /** TagEntry */
        TagEntry: {
            /**
             * @description The key of the tag.
             * @example key1
             */
            key: string;
            /**
             * @description The value of the tag.
             * @example value1
             */
            value: string;
        };
        /**
         * FirewallRulesetEntry
         * @description Reference to a firewall ruleset.
         */
        FirewallRulesetEntry: {
            /**
             * @description The unique identifier of the firewall ruleset.
             * @example c4d291f47f9d436fa39f58493ce3b50d
             */
            id: string;
        };
        /**
         * Instance
         * @description Detailed information about the instance.
         */
        Instance: {
            /**
             * @description The unique identifier of the instance.
             * @example 0920582c7ff041399e34823a0be62549
             */
            id: string;
            /**
             * @description If set, the user-provided name of the instance.
             * @example My Instance
             */
            name?: string;
            /**
             * @description The public IPv4 address of the instance.
             * @example 198.51.100.2
             */
            ip?: string;
            /**
             * @description The private IPv4 address of the instance.
             * @example 10.0.2.100
             */
            private_ip?: string;
            status: components["schemas"]["InstanceStatus"];
            /**
             * @description The names of the SSH keys that are allowed to access the instance.
             * @example [
             *       "My SSH key"
             *     ]
             * @example []
             */
            ssh_key_names: string[];
            /**
             * @description The names of the filesystems mounted to the instance. If no filesystems are mounted, this array is empty.
             * @example [
             *       "my-filesystem"
             *     ]
             * @example []
             */
            file_system_names: string[];
            /**
             * @description The filesystems, along with the mount paths, mounted to
             *     the instances. If no filesystems are mounted, this parameter
             *     will be missing from the response.
             */
            file_system_mounts?: components["schemas"]["FilesystemMountEntry"][];
            /** @description The region in which the instance is deployed. */
            region: components["schemas"]["Region"];
            /** @description Detailed information about the instance's instance type. */
            instance_type: components["schemas"]["InstanceType"];
            /**
             * @description The hostname assigned to this instance, which resolves to the instance's IP.
             * @example headnode1
             */
            hostname?: string;
            /**
             * @description The secret token used to log into the JupyterLab server hosted on the instance.
             * @example 03b7d30d9d3e4d8fa41657bc0d478c1b
             */
            jupyter_token?: string;
            /**
             * @description The URL that opens the JupyterLab environment on the instance.
             * @example https://jupyter-249e1ccff1894822af39ac822637f881.lambdaspaces.com/?token=03b7d30d9d3e4d8fa41657bc0d478c1b
             */
            jupyter_url?: string;
            /** @description A set of status objects representing the current availability of common instance operations. */
            actions: components["schemas"]["InstanceActionAvailability"];
            /** @description Key/value pairs representing the instance's tags. */
            tags?: components["schemas"]["TagEntry"][];
            /** @description The firewall rulesets associated with this instance. */
            firewall_rulesets?: components["schemas"]["FirewallRulesetEntry"][];
        };
        /** ApiErrorInstanceNotFound */
        ApiErrorInstanceNotFound: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/object-does-not-exist";
            /**
             * @description A description of the error.
             * @default Specified instance does not exist.
             */
            message: string;
            /** @description One or more suggestions of possible ways to fix the error. */
            suggestion?: string;
        };
        /** ApiErrorInvalidParameters */
        ApiErrorInvalidParameters: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/invalid-parameters";
            /**
             * @description A description of the error.
             * @default Invalid request data.
             */
            message: string;
            /** @description One or more suggestions of possible ways to fix the error. */
            suggestion?: string;
        };
        /** InstanceModificationRequest */
        InstanceModificationRequest: {
            /**
             * @description The new, user-provided name for the instance.
             * @example My Instance
             */
            name?: string;
        };
        /**
         * InstanceTypesItem
         * @description Detailed information and regional availability for the instance type.
         */
        InstanceTypesItem: {
            /** @description The description, technical specifications, and metadata for this instance type. */
            instance_type: components["schemas"]["InstanceType"];
            /** @description A list of the regions in which this instance type is available. */
            regions_with_capacity_available: components["schemas"]["Region"][];
        };
        /**
         * InstanceTypes
         * @example {
         *       "gpu_1x_gh200": {
         *         "instance_type": {
         *           "name": "gpu_1x_gh200",
         *           "description": "1x GH200 (96 GB)",
         *           "gpu_description": "GH200 (96 GB)",
         *           "price_cents_per_hour": 149,
         *           "specs": {
         *             "vcpus": 64,
         *             "memory_gib": 432,
         *             "storage_gib": 4096,
         *             "gpus": 1
         *           }
         *         },
         *         "regions_with_capacity_available": [
         *           {
         *             "name": "us-west-1",
         *             "description": "California, USA"
         *           }
         *         ]
         *       }
         *     }
         */
        InstanceTypes: {
            [key: string]: components["schemas"]["InstanceTypesItem"];
        };
        /** ApiErrorInvalidBillingAddress */
        ApiErrorInvalidBillingAddress: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/invalid-address";
            /**
             * @description A description of the error.
             * @default Your billing address is invalid.
             */
            message: string;
            /**
             * @description One or more suggestions of possible ways to fix the error.
             * @default Make sure your billing address is valid. Contact Support if problems continue.
             */
            suggestion: string;
        };
        /** InstanceLaunchResponse */
        InstanceLaunchResponse: {
            /**
             * @description The unique identifiers (IDs) of the launched instances.
             * @example [
             *       "0920582c7ff041399e34823a0be62549"
             *     ]
             */
            instance_ids: string[];
        };
        /** ApiErrorFileSystemInWrongRegion */
        ApiErrorFileSystemInWrongRegion: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "instance-operations/launch/file-system-in-wrong-region";
            /** @description A description of the error. */
            message: string;
            /** @description One or more suggestions of possible ways to fix the error. */
            suggestion?: string;
        };
        /** ApiErrorInsufficientCapacity */
        ApiErrorInsufficientCapacity: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "instance-operations/launch/insufficient-capacity";
            /**
             * @description A description of the error.
             * @default Not enough capacity to fulfill launch request.
             */
            message: string;
            /** @description One or more suggestions of possible ways to fix the error. */
            suggestion?: string;
        };
        /** ApiErrorLaunchResourceNotFound */
        ApiErrorLaunchResourceNotFound: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/object-does-not-exist";
            /** @description The resource the API was unable to find. */
            message: string;
            /** @description One or more suggestions of possible ways to fix the error. */
            suggestion: string;
        };
        /** ApiErrorQuotaExceeded */
        ApiErrorQuotaExceeded: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/quota-exceeded";
            /**
             * @description A description of the error.
             * @default Quota exceeded.
             */
            message: string;
            /**
             * @description One or more suggestions of possible ways to fix the error.
             * @default Contact Support to increase your quota.
             */
            suggestion: string;
        };
        /**
         * RequestedFilesystemMountEntry
         * @description The mount point for a filesystem mounted to an instance.
         */
        RequestedFilesystemMountEntry: {
            /**
             * @description The absolute path indicating where on the instance the filesystem will be mounted.
             * @example /data/custom-mount-point
             */
            mount_point: string;
            /**
             * @description The id of the filesystem to mount to the instance.
             * @example 398578a2336b49079e74043f0bd2cfe8
             */
            file_system_id: string;
        };
        /**
         * ImageSpecificationID
         * @description Specifies the image to use by its unique identifier.
         */
        ImageSpecificationID: {
            id: string;
        };
        /**
         * ImageSpecificationFamily
         * @description Specifies the image to use by its family name.
         */
        ImageSpecificationFamily: {
            /** @description The family name of the image. */
            family: string;
        };
        /** RequestedTagEntry */
        RequestedTagEntry: {
            /**
             * @description The key of the tag.
             * @example key1
             */
            key: string;
            /**
             * @description The value of the tag.
             * @example value1
             */
            value: string;
        };
        /** InstanceLaunchRequest */
        InstanceLaunchRequest: {
            /** @description The region into which you want to launch the instance. */
            region_name: components["schemas"]["PublicRegionCode"];
            /**
             * @description The type of instance you want to launch. To retrieve a list of available instance types, see
             *     [List available instance types](#listInstanceTypes).
             * @example gpu_8x_a100
             */
            instance_type_name: string;
            /**
             * @description The names of the SSH keys you want to use to provide access to the instance.
             *     Currently, exactly one SSH key must be specified.
             * @example [
             *       "my-public-key"
             *     ]
             */
            ssh_key_names: string[];
            /**
             * @description The names of the filesystems you want to mount to the instance. When specified
             *     alongside `file_system_mounts`, any filesystems referred to in both lists will use the
             *     mount path specified in `file_system_mounts`, rather than the default.
             * @example [
             *       "my-filesystem"
             *     ]
             * @example []
             */
            file_system_names?: string[];
            /**
             * @description The filesystem mounts to mount to the instance. When specified alongside
             *     `file_system_names`, any filesystems referred to in both lists will use the
             *     mount path specified in `file_system_mounts`, rather than the default.
             */
            file_system_mounts?: components["schemas"]["RequestedFilesystemMountEntry"][];
            /**
             * @description The hostname to assign to the instance. If not specified, a default, IP-address-based
             *     hostname is assigned. This hostname is driven into /etc/hostname on the instance.
             * @example headnode1
             */
            hostname?: string;
            /**
             * @description The name you want to assign to your instance. Must be 64 characters or fewer.
             * @example My Instance
             */
            name?: string;
            /** @description The machine image you want to use. Defaults to the latest Lambda Stack image. */
            image?: components["schemas"]["ImageSpecificationID"] | components["schemas"]["ImageSpecificationFamily"];
            /**
             * Format: password
             * @description An instance configuration string specified in a valid
             *     [cloud-init user-data](https://cloudinit.readthedocs.io/en/latest/explanation/format.html)
             *     format. You can use this field to configure your instance on launch. The
             *     user data string must be plain text and cannot exceed 1MB in size.
             */
            user_data?: string;
            /** @description Key/value pairs representing the instance's tags. */
            tags?: components["schemas"]["RequestedTagEntry"][];
            /**
             * @description The firewall rulesets to associate with the instance.
             *     The firewall rulesets must exist in the same region as the instance.
             */
            firewall_rulesets?: components["schemas"]["FirewallRulesetEntry"][];
        };
        /** InstanceRestartResponse */
        InstanceRestartResponse: {
            /** @description The list of instances that were successfully restarted. */
            restarted_instances: components["schemas"]["Instance"][];
        };
        /** InstanceRestartRequest */
        InstanceRestartRequest: {
            /**
             * @description The unique identifiers (IDs) of the instances to restart.
             * @example [
             *       "0920582c7ff041399e34823a0be62549"
             *     ]
             */
            instance_ids: string[];
        };
        /** InstanceTerminateResponse */
        InstanceTerminateResponse: {
            /** @description The list of instances that were successfully terminated. */
            terminated_instances: components["schemas"]["Instance"][];
        };
        /** InstanceTerminateRequest */
        InstanceTerminateRequest: {
            /**
             * @description The unique identifiers (IDs) of the instances to terminate.
             * @example [
             *       "0920582c7ff041399e34823a0be62549"
             *     ]
             */
            instance_ids: string[];
        };
        /**
         * SSHKey
         * @description Information about a stored SSH key, which can be used to access instances over
         *     SSH.
         */
        SSHKey: {
            /**
             * @description The unique identifier (ID) of the SSH key.
             * @example ddf9a910ceb744a0bb95242cbba6cb50
             */
            id: string;
            /**
             * @description The name of the SSH key.
             * @example my-public-key
             */
            name: string;
            /**
             * @description The public key for the SSH key.
             * @example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICN+lJwsONkwrdsSnQsu1ydUkIuIg5oOC+Eslvmtt60T noname
             */
            public_key: string;
        };
        /**
         * GeneratedSSHKey
         * @description Information about a server-generated SSH key, which can be used to access instances over
         *     SSH.
         */
        GeneratedSSHKey: {
            /**
             * @description The unique identifier (ID) of the SSH key.
             * @example ddf9a910ceb744a0bb95242cbba6cb50
             */
            id: string;
            /**
             * @description The name of the SSH key.
             * @example my-public-key
             */
            name: string;
            /**
             * @description The public key for the SSH key.
             * @example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICN+lJwsONkwrdsSnQsu1ydUkIuIg5oOC+Eslvmtt60T noname
             */
            public_key: string;
            /**
             * @description The private key generated in the SSH key pair. Make sure to store a
             *     copy of this key locally, as Lambda does not store the key server-side.
             * @example -----BEGIN RSA PRIVATE KEY-----\nMIIEoAIBAAKCAQEAmTi0yMd35HkIKXgEAVLb14fE094YL5qgGqS5ayq9SHi72mlf\np0hvMr9dqI1wVELRC6cqNYJio9B031gG3dGI3IMpxLzRptYPOmwXIN+jagV40Pzc\nz6dExtn1OhFwJKlppoPj/2j0QXHSP7dHmRxmlkaQVZs7qy+twkcckMmHU7g9M3dP\n89P0sQk6xWYX8lF+0bRv/VpNwBcFQfmy36xHpMgIq8hLlBaOZd2fti5jXrQaGOto\nZo3gI7QLAY9YyFmfRLutBM+F+9ArvhYdYolroJOv8EvEIpN8cljn21WLH6plL22E\ncLToH66+t0wcCYDHpqKZ/sLLzcjH6kxIgp/mJQIDAQABAoH/HJqr17uwEhg1vPhT\nGoG6+Snzp45xVGCCT25odw3ERZmX8R6YZSgqtB8rDd2wFnJ53wrHvgePS6Pw63wg\nRNi7DsX9nToEocY30kowbrezO9Qom7X4DSJwllinRY1pJy+10AWyjDzCZV5UpBHq\n/M53W0M4rtPjGpgBSevuRVLym8PRMJAF4/YMKSOGN6grNmmBjsqCRw23Cps6ZiK9\noE7V2UTcMK6WzPiPCbW1KxLoCx0ihdGH5q8Vj/lsRflKLpKVA9QUNCBXlnFzgEYh\nYK7RGN0zmmITyQfvjdthvCFyMQJ4V2ccxVxa52zqN04Ywvy/HC1mhS9iy6wSSCtP\nm2xTAoGBANciuYrof8Z3BWOXLBCsDvBYWzLs+wyIoi0SujVGSl9k9ThrahYTtbxq\nnEKofeYP5gOzqeNGiKveIW8ZFqtiNNe36zSts6h3nndMKBLB92tGWjSG4yRDC7Tp\nT0okUAkSDnDNwWONx0vhqdoNiLEIVvCp2HCCTCSxbHHOJcAAYtufAoGBALZTUaZz\nUxF/WCICbxb9dABqk4hKLUe/3Hwhzb5e1PKTGnWesbnDIkIHqNx86MEcYaQQSGzW\nZ/zBTUsbOC5qZt0UOuMeXiAb7cmwOEx4hiBYkEt/2xCKqQWNVnSY+4LLpGNZanFE\nTVKZ5QB2oYNiJ3Lby16YStvRBzGc1TTQo+e7AoGAP4eAlRWNTfUtwTgOCipVCwJ8\ng/BZPl1Gztqd5EeKhNsSUwPdQwG1BBvTYxfQfdSqDuPKQlQ83cvtwZn+CMQqaJ1m\nNpso15HjWMVDfC6NOr9+uc4vWzD1TwoqoPFSNSuA2izYc+aVOMI93ydp+yVETzNI\nuAiyJY/DP2Qp36X9i28CgYAlWUIDl+IvVmfGZ7s7+WV25F4ecBuAdCQFZaNQ2PpE\nSrAD4iNEC14MKqeDqy6+yEKUKiW77dvVYf+kYAoNMAysQwWhGsprR21ZgHi36YSI\nQbwlSyaj59Oh6IcKUYBMFc0x8NImK7ivMAlCJAsH7+Zm1/F8CjRjfRk9J4RhUlAR\nGwKBgC4g7eZ/3fBBlL+eMxhCwK2QDS5E0emVI42676hhXAixPJ3PFePXWUmCFsXd\nB1gDj7SR7h5nefoxjesCTwcf/rV+MPukjot6C9tEHhAJt7bDUelW9XOULwuEDWfL\nCfG/iBa8YIxol5pw39I73/M+TF49EIDuq0ihXUHyap8MdpZs\n-----END RSA PRIVATE KEY-----\n
             */
            private_key: string;
        };
        /** AddSSHKeyRequest */
        AddSSHKeyRequest: {
            /**
             * @description The name of the SSH key.
             * @example my-public-key
             */
            name: string;
            /**
             * @description The public key for the SSH key.
             * @example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICN+lJwsONkwrdsSnQsu1ydUkIuIg5oOC+Eslvmtt60T noname
             */
            public_key?: string;
        };
        /** EmptyResponse */
        EmptyResponse: Record<string, never>;
        /**
         * UserStatus
         * @description Status of the user's account.
         * @enum {string}
         */
        UserStatus: "active" | "deactivated";
        /**
         * User
         * @description Information about a user in your Team.
         */
        User: {
            /**
             * @description The unique identifier for the user.
             * @example 3da5a70a57a7422ea8a7203f98b2198b
             */
            id: string;
            /**
             * @description The email address of the user.
             * @example me@example.com
             */
            email: string;
            /** @description The status of the user's account. */
            status: components["schemas"]["UserStatus"];
        };
        /**
         * Filesystem
         * @description Information about a shared filesystem.
         */
        Filesystem: {
            /**
             * @description The unique identifier (ID) of the filesystem.
             * @example 398578a2336b49079e74043f0bd2cfe8
             */
            id: string;
            /**
             * @description The name of the filesystem.
             * @example my-filesystem
             */
            name: string;
            /**
             * @description The DEFAULT absolute path indicating where on instances the filesystem will be mounted.
             *     If `file_system_mounts` were used at launch time, the actual mount point is in the
             *     instance response.
             * @example /lambda/nfs/my-filesystem
             */
            mount_point: string;
            /**
             * Format: date-time
             * @description The date and time at which the filesystem was created. Formatted as an ISO 8601 timestamp.
             */
            created: string;
            /** @description The user in your Team that created the filesystem. */
            created_by: components["schemas"]["User"];
            /**
             * @description Whether the filesystem is currently mounted to an instance. Filesystems that
             *     are mounted cannot be deleted.
             */
            is_in_use: boolean;
            /** @description The region in which the filesystem is deployed. */
            region: components["schemas"]["Region"];
            /**
             * @description The approximate amount of storage used by the filesystem in bytes. This estimate is
             *     updated every few hours.
             */
            bytes_used?: number;
        };
        /** ApiErrorDuplicate */
        ApiErrorDuplicate: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/duplicate";
            /** @description A description of the error. */
            message: string;
            /** @description One or more suggestions of possible ways to fix the error. */
            suggestion?: string;
        };
        /** FilesystemCreateRequest */
        FilesystemCreateRequest: {
            /**
             * @description The name of the filesystem.
             * @example my-filesystem
             */
            name: string;
            /**
             * @description The region in which you want to create the filesystem.
             * @example us-west-1
             */
            region: components["schemas"]["PublicRegionCode"];
        };
        /** FilesystemDeleteResponse */
        FilesystemDeleteResponse: {
            /**
             * @description The unique identifiers of the filesystems that were deleted.
             * @example [
             *       "398578a2336b49079e74043f0bd2cfe8"
             *     ]
             */
            deleted_ids: string[];
        };
        /** ApiErrorFilesystemNotFound */
        ApiErrorFilesystemNotFound: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/object-does-not-exist";
            /**
             * @description A description of the error.
             * @default Filesystem was not found.
             */
            message: string;
            /** @description One or more suggestions of possible ways to fix the error. */
            suggestion?: string;
        };
        /** ApiErrorFilesystemInUse */
        ApiErrorFilesystemInUse: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "filesystems/filesystem-in-use";
            /** @description A description of the error. */
            message: string;
            /** @description One or more suggestions of possible ways to fix the error. */
            suggestion?: string;
        };
        /**
         * ImageArchitecture
         * @enum {string}
         */
        ImageArchitecture: "x86_64" | "arm64";
        /**
         * Image
         * @description An available machine image in Lambda Cloud.
         */
        Image: {
            /**
             * @description The unique identifier (ID) for an image.
             * @example 43336648-096d-4cba-9aa2-f9bb7727639d
             */
            id: string;
            /**
             * Format: date-time
             * @description The date and time that the image was created.
             */
            created_time: string;
            /**
             * Format: date-time
             * @description The date and time that the image was last updated.
             */
            updated_time: string;
            /**
             * @description The human-readable identifier for an image.
             * @example ubuntu-24.04.01
             */
            name: string;
            /**
             * @description Additional information about the image.
             * @example Ubuntu LTS
             */
            description: string;
            /**
             * @description The family the image belongs to.
             * @example ubuntu-lts
             */
            family: string;
            /**
             * @description The image version.
             * @example 24.04.01
             */
            version: string;
            /** @description The CPU architecture the image supports. */
            architecture: components["schemas"]["ImageArchitecture"];
            /** @description The region in which this image is available. */
            region: components["schemas"]["Region"];
        };
        /**
         * NetworkProtocol
         * @enum {string}
         */
        NetworkProtocol: "tcp" | "udp" | "icmp" | "all";
        /** FirewallRule */
        FirewallRule: {
            /**
             * @description The protocol to which the rule applies.
             * @example tcp
             */
            protocol: components["schemas"]["NetworkProtocol"];
            /**
             * @description An inclusive range of network ports specified as `[min, max]`.
             *     Not allowed for the `icmp` protocol but required for the others.
             *
             *     To specify a single port, list it twice (for example, `[22,22]`).
             * @example [
             *       22,
             *       22
             *     ]
             */
            port_range?: number[];
            /**
             * Format: ipv4network
             * @description The set of source IPv4 addresses from which you want to allow inbound
             *     traffic. These addresses must be specified in CIDR notation. You can
             *     specify individual public IPv4 CIDR blocks such as `1.2.3.4` or
             *     `1.2.3.4/32`, or you can specify `0.0.0.0/0` to allow access from any
             *     address.
             *
             *     This value is a string consisting of a public IPv4 address optionally
             *     followed by a slash (/) and an integer mask (the network prefix).
             *     If no mask is provided, the API assumes `/32` by default.
             * @example 0.0.0.0/0
             */
            source_network: string;
            /**
             * @description A human-readable description of the rule.
             * @example Allow SSH from anywhere
             */
            description: string;
        };
        /** FirewallRulesPutRequest */
        FirewallRulesPutRequest: {
            /** @description The list of inbound firewall rules. */
            data: components["schemas"]["FirewallRule"][];
        };
        /**
         * FirewallRuleset
         * @description A collection of firewall rules that can be associated with instances.
         */
        FirewallRuleset: {
            /**
             * @description The unique identifier of the firewall ruleset.
             * @example c4d291f47f9d436fa39f58493ce3b50d
             */
            id: string;
            /**
             * @description The name of the firewall ruleset.
             * @example My Firewall Ruleset
             */
            name: string;
            /** @description The region in which the firewall ruleset is deployed. */
            region: components["schemas"]["Region"];
            /** @description The list of firewall rules in this ruleset. */
            rules: components["schemas"]["FirewallRule"][];
            /**
             * Format: date-time
             * @description The date and time at which the firewall ruleset was created. Formatted as an ISO 8601 timestamp.
             */
            created: string;
            /** @description The IDs of instances this firewall ruleset is associated with. */
            instance_ids: string[];
        };
        /** ApiErrorInternal */
        ApiErrorInternal: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/internal-error";
            /**
             * @description A description of the error.
             * @default An internal server error occurred.
             */
            message: string;
            /**
             * @description One or more suggestions of possible ways to fix the error.
             * @default Try again later. Contact Support if the problem persists.
             */
            suggestion: string;
        };
        /**
         * FirewallRulesetCreateRequest
         * @description Request to create a new firewall ruleset.
         */
        FirewallRulesetCreateRequest: {
            /**
             * @description The name of the firewall ruleset.
             * @example My Firewall Ruleset
             */
            name: string;
            /** @description The region in which the firewall ruleset is deployed. */
            region: components["schemas"]["PublicRegionCode"];
            /** @description The firewall rules to include in the ruleset. */
            rules: components["schemas"]["FirewallRule"][];
        };
        /**
         * GlobalFirewallRuleset
         * @description Legacy type for the global firewall ruleset, now the default workspace.
         */
        GlobalFirewallRuleset: {
            /**
             * @description The unique identifier of the firewall ruleset.
             * @example global
             * @constant
             */
            id: "global";
            /**
             * @description The name of the firewall ruleset.
             * @example Global Firewall Rules
             * @constant
             */
            name: "Global Firewall Rules";
            /** @description The list of firewall rules in this ruleset. */
            rules: components["schemas"]["FirewallRule"][];
        };
        /**
         * GlobalFirewallRulesetPatchRequest
         * @description Request to update the global firewall ruleset.
         */
        GlobalFirewallRulesetPatchRequest: {
            /** @description The new firewall rules for the ruleset. If not provided, the rules will not be updated. */
            rules?: components["schemas"]["FirewallRule"][];
        };
        /** ApiErrorFirewallRulesetNotFound */
        ApiErrorFirewallRulesetNotFound: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "global/object-does-not-exist";
            /**
             * @description A description of the error.
             * @default Firewall ruleset does not exist or you do not have permission to access it.
             */
            message: string;
            /**
             * @description One or more suggestions of possible ways to fix the error.
             * @default Check your firewall ruleset ID and try again.
             */
            suggestion: string;
        };
        /**
         * FirewallRulesetPatchRequest
         * @description Request to partially update a firewall ruleset.
         */
        FirewallRulesetPatchRequest: {
            /**
             * @description The new name for the firewall ruleset. If not provided, the name will not be updated.
             * @example My Updated Firewall Ruleset
             */
            name?: string;
            /** @description The new firewall rules for the ruleset. If not provided, the rules will not be updated. */
            rules?: components["schemas"]["FirewallRule"][];
        };
        /** ApiErrorFirewallRulesetInUse */
        ApiErrorFirewallRulesetInUse: {
            /**
             * @description The unique identifier for the type of error.
             * @constant
             */
            code: "firewall-rulesets/firewall-ruleset-in-use";
            /**
             * @description A description of the error.
             * @default Firewall ruleset is in use by one or more instances.
             */
            message: string;
            /**
             * @description One or more suggestions of possible ways to fix the error.
             * @default Terminate all instances that are using the ruleset before deleting it.
             */
            suggestion: string;
        };
        /**
         * AuditEvent
         * @description Audit event in the account's audit log. To view the full catalog of
         *     possible audit events, visit
         *     [Access and security > Audit logs](https://docs.lambda.ai/public-cloud/access-security#audit-logs)
         *     in the Lambda Cloud documentation.
         */
        AuditEvent: {
            /**
             * @description The service in which the action was performed.
             * @example cloud
             */
            service_name: string;
            /**
             * @description The type of resource that was affected.
             * @example api_key
             */
            resource_name: string;
            /**
             * @description The action that was performed.
             * @example created
             */
            action: string;
            /**
             * @description The version of the event catalog schema.
             * @example 2025-09-06
             */
            catalog_version: string;
            /**
             * @description The unique identifier (ID) for this audit event.
             * @example 0123456789abcdef0123456789abcdef
             */
            event_id: string;
            /**
             * @description The UTC timestamp for when the event occurred (ISO 8601 format).
             * @example 2025-09-15T10:30:45.123456Z
             */
            event_time: string;
            /**
             * @description The Lambda Resource Name (LRN) of the actor who performed the action.
             * @example lrn:cloud:identity:00112233445566778899aabbccddeeff
             */
            actor_lrn: string | null;
            /**
             * @description The Lambda Resource Names (LRNs) of the resources affected by this action.
             * @example [
             *       "lrn:cloud:api_key:ffeeddccbbaa99887766554433221100"
             *     ]
             */
            resource_lrns: string[];
            /**
             * @description The Lambda Resource Name (LRN) of the account that owns the affected resources.
             * @example lrn:cloud:account:fedcba9876543210fedcba9876543210
             */
            resource_owner_lrn: string | null;
            /**
             * @description The Lambda Resource Name (LRN) of the API key used to authenticate the request, if applicable.
             * @example lrn:cloud:api_key:0f1e2d3c4b5a69788796a5b4c3d2e1f0
             */
            request_api_key_lrn: string | null;
            /**
             * @description Additional event-specific details. The exact keys returned vary by event type.
             * @example {
             *       "api_key_lrn": "lrn:cloud:api_key:ffeeddccbbaa99887766554433221100"
             *     }
             * @example {
             *       "ssh_key_lrn": "lrn:cloud:ssh_key:fedc7654ba983210dcba5432987610fe"
             *     }
             * @example {
             *       "instance_lrn": "lrn:cloud:instance:ef016789234abcd0123489ab4567cdef",
             *       "instance_type": "gpu_1x_a10",
             *       "region": "us-west-1"
             *     }
             */
            additional_details: {
                [key: string]: unknown;
            };
        };
        /**
         * AuditEventsPage
         * @description A paginated response containing audit events.
         */
        AuditEventsPage: {
            /** @description The list of audit events. */
            events: components["schemas"]["AuditEvent"][];
            /**
             * @description A page token. Provide this token in your next request to retrieve the next page of results. If there are no additional pages, this field has a null value.
             * @example eyJuZXh0IjoxNzA0MTk2ODAwfQ==
             */
            page_token: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listInstances: {
        parameters: {
            query?: {
                /**
                 * @description If provided, the resulting list will only include
                 *                 instances that are part of a cluster with this unique identifier (ID).
                 * @example ddaedf1b7a0e41ac981711504493b242
                 */
                cluster_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Instance"][];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    getInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The unique identifier (ID) of the instance
                 * @example ddaedf1b7a0e41ac981711504493b242
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Instance"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInstanceNotFound"];
                    };
                };
            };
        };
    };
    postInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The unique identifier (ID) of the instance
                 * @example ddaedf1b7a0e41ac981711504493b242
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InstanceModificationRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Instance"];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInvalidParameters"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInstanceNotFound"];
                    };
                };
            };
        };
    };
    listInstanceTypes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["InstanceTypes"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    launchInstance: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InstanceLaunchRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["InstanceLaunchResponse"];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorFileSystemInWrongRegion"] | components["schemas"]["ApiErrorInsufficientCapacity"] | components["schemas"]["ApiErrorInvalidParameters"] | components["schemas"]["ApiErrorLaunchResourceNotFound"] | components["schemas"]["ApiErrorQuotaExceeded"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"] | components["schemas"]["ApiErrorInvalidBillingAddress"];
                    };
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorLaunchResourceNotFound"];
                    };
                };
            };
        };
    };
    restartInstance: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InstanceRestartRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example {
                         *       "restarted_instances": [
                         *         {
                         *           "id": "0920582c7ff041399e34823a0be62549",
                         *           "name": "My Instance",
                         *           "ip": "198.51.100.2",
                         *           "private_ip": "10.0.2.100",
                         *           "status": "active",
                         *           "ssh_key_names": [
                         *             "My SSH key"
                         *           ],
                         *           "file_system_names": [
                         *             "my-filesystem"
                         *           ],
                         *           "file_system_mounts": [
                         *             {
                         *               "mount_point": "/lambda/nfs/my-filesystem",
                         *               "file_system_id": "a098b0c7ff041399e34823a0be62549"
                         *             }
                         *           ],
                         *           "region": {
                         *             "name": "us-west-1",
                         *             "description": "California, USA"
                         *           },
                         *           "instance_type": {
                         *             "name": "gpu_8x_a100",
                         *             "description": "8x A100 (40 GB SXM4)",
                         *             "gpu_description": "A100 (40 GB SXM4)",
                         *             "price_cents_per_hour": 1032,
                         *             "specs": {
                         *               "vcpus": 124,
                         *               "memory_gib": 1800,
                         *               "storage_gib": 6144,
                         *               "gpus": 8
                         *             }
                         *           },
                         *           "hostname": "198.51.100.2",
                         *           "jupyter_token": "03b7d30d9d3e4d8fa41657bc0d478c1b",
                         *           "jupyter_url": "https://jupyter-249e1ccff1894822af39ac822637f881.lambdaspaces.com/?token=03b7d30d9d3e4d8fa41657bc0d478c1b",
                         *           "is_reserved": false,
                         *           "actions": {
                         *             "migrate": {
                         *               "available": true
                         *             },
                         *             "rebuild": {
                         *               "available": true
                         *             },
                         *             "restart": {
                         *               "available": true
                         *             },
                         *             "cold_reboot": {
                         *               "available": true
                         *             },
                         *             "terminate": {
                         *               "available": true
                         *             }
                         *           },
                         *           "tags": [
                         *             {
                         *               "key": "key1",
                         *               "value": "value1"
                         *             },
                         *             {
                         *               "key": "key2",
                         *               "value": "value2"
                         *             }
                         *           ]
                         *         }
                         *       ]
                         *     }
                         */
                        data: components["schemas"]["InstanceRestartResponse"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInstanceNotFound"];
                    };
                };
            };
        };
    };
    terminateInstance: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InstanceTerminateRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example {
                         *       "terminated_instances": [
                         *         {
                         *           "id": "0920582c7ff041399e34823a0be62549",
                         *           "name": "My Instance",
                         *           "ip": "198.51.100.2",
                         *           "private_ip": "10.0.2.100",
                         *           "status": "terminating",
                         *           "ssh_key_names": [
                         *             "My SSH key"
                         *           ],
                         *           "file_system_names": [
                         *             "my-filesystem"
                         *           ],
                         *           "file_system_mounts": [
                         *             {
                         *               "mount_point": "/lambda/nfs/my-filesystem",
                         *               "file_system_id": "a098b0c7ff041399e34823a0be62549"
                         *             }
                         *           ],
                         *           "region": {
                         *             "name": "us-west-1",
                         *             "description": "California, USA"
                         *           },
                         *           "instance_type": {
                         *             "name": "gpu_8x_a100",
                         *             "description": "8x A100 (40 GB SXM4)",
                         *             "gpu_description": "A100 (40 GB SXM4)",
                         *             "price_cents_per_hour": 1032,
                         *             "specs": {
                         *               "vcpus": 124,
                         *               "memory_gib": 1800,
                         *               "storage_gib": 6144,
                         *               "gpus": 8
                         *             }
                         *           },
                         *           "hostname": "198.51.100.2",
                         *           "jupyter_token": "03b7d30d9d3e4d8fa41657bc0d478c1b",
                         *           "jupyter_url": "https://jupyter-249e1ccff1894822af39ac822637f881.lambdaspaces.com/?token=03b7d30d9d3e4d8fa41657bc0d478c1b",
                         *           "is_reserved": false,
                         *           "actions": {
                         *             "migrate": {
                         *               "available": true
                         *             },
                         *             "rebuild": {
                         *               "available": true
                         *             },
                         *             "restart": {
                         *               "available": true
                         *             },
                         *             "cold_reboot": {
                         *               "available": true
                         *             },
                         *             "terminate": {
                         *               "available": true
                         *             }
                         *           },
                         *           "tags": [
                         *             {
                         *               "key": "key1",
                         *               "value": "value1"
                         *             },
                         *             {
                         *               "key": "key2",
                         *               "value": "value2"
                         *             }
                         *           ]
                         *         }
                         *       ]
                         *     }
                         */
                        data: components["schemas"]["InstanceTerminateResponse"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInstanceNotFound"];
                    };
                };
            };
        };
    };
    listSSHKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SSHKey"][];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    addSSHKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddSSHKeyRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["GeneratedSSHKey"] | components["schemas"]["SSHKey"];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInvalidParameters"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    deleteSSHKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The unique identifier (ID) of the SSH key to delete
                 * @example ddf9a910ceb744a0bb95242cbba6cb50
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["EmptyResponse"];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInvalidParameters"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    listFilesystems: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Filesystem"][];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    createFilesystem: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FilesystemCreateRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Filesystem"];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorDuplicate"] | components["schemas"]["ApiErrorQuotaExceeded"] | components["schemas"]["ApiErrorInvalidParameters"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"] | components["schemas"]["ApiErrorInvalidBillingAddress"];
                    };
                };
            };
        };
    };
    filesystemDelete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The unique identifier (ID) of the filesystem to delete
                 * @example 398578a2336b49079e74043f0bd2cfe8
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FilesystemDeleteResponse"];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorFilesystemInUse"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorFilesystemNotFound"];
                    };
                };
            };
        };
    };
    listImages: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Image"][];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    firewallRulesList: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FirewallRule"][];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    firewallRulesSet: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FirewallRulesPutRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FirewallRule"][];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    firewallRulesetsList: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FirewallRuleset"][];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    createFirewallRuleset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FirewallRulesetCreateRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FirewallRuleset"];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorQuotaExceeded"] | components["schemas"]["ApiErrorInvalidParameters"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInternal"];
                    };
                };
            };
        };
    };
    getGlobalFirewallRuleset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["GlobalFirewallRuleset"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
    updateGlobalFirewallRuleset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GlobalFirewallRulesetPatchRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["GlobalFirewallRuleset"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInternal"];
                    };
                };
            };
        };
    };
    getFirewallRuleset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The unique identifier (ID) of the firewall ruleset
                 * @example c4d291f47f9d436fa39f58493ce3b50d
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FirewallRuleset"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorFirewallRulesetNotFound"];
                    };
                };
            };
        };
    };
    deleteFirewallRuleset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The unique identifier (ID) of the firewall ruleset
                 * @example c4d291f47f9d436fa39f58493ce3b50d
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["EmptyResponse"];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorFirewallRulesetInUse"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorFirewallRulesetNotFound"];
                    };
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInternal"];
                    };
                };
            };
        };
    };
    updateFirewallRuleset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The unique identifier (ID) of the firewall ruleset
                 * @example c4d291f47f9d436fa39f58493ce3b50d
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FirewallRulesetPatchRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FirewallRuleset"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorFirewallRulesetNotFound"];
                    };
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInternal"];
                    };
                };
            };
        };
    };
    getAuditEvents: {
        parameters: {
            query?: {
                /**
                 * @description An ISO 8601 timestamp defining the start of the time range to query, inclusive. If omitted, the response starts at the earliest available event.
                 * @example 2025-09-01T10:30:45.123456Z
                 */
                start?: string;
                /**
                 * @description An ISO 8601 timestamp defining the end of the time range to query, inclusive. If omitted, the response ends at the most recent event.
                 * @example 2025-09-15T10:30:45.123456Z
                 */
                end?: string;
                /**
                 * @description The token returned by the previous API response to retrieve the next page of results.
                 * @example abCdEFg0h1I2jKlm34n5O6Pq78r=
                 */
                page_token?: string;
                /**
                 * @description The resource type to filter by. By default, all available resource types are retrieved.
                 * @example cloud.api_key
                 */
                resource_type?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AuditEventsPage"];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorInvalidParameters"];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorUnauthorized"];
                    };
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: components["schemas"]["ApiErrorAccountInactive"];
                    };
                };
            };
        };
    };
}
