/**
 * Generated from openapi/runpod-v2.openapi.json by scripts/generate-clients.mjs (openapi-typescript).
 * Do not edit by hand: change the spec and run `npm run generate`.
 * Only the adapter in this folder may import these types.
 */

export interface paths {
    "/v2/account/ssh-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List registered SSH public keys
         * @description Returns the account's registered SSH public keys — the keys provisioned into pods created with `startSsh` and used to authenticate the SSH connections reported in a pod's `ssh` block.
         */
        get: operations["getSshKeys"];
        /**
         * Replace registered SSH public keys
         * @description Replaces the account's full set of registered SSH public keys. Existing keys not present in the request are removed; send `[]` to remove all keys. Keys take effect for pods created afterwards with `startSsh` — running pods are not updated.
         */
        put: operations["updateSshKeys"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/pods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List pods
         * @description Returns pods owned by the authenticated user. Cluster member
         *     pods are excluded by default; set `includeClusterPods=true` to include
         *     them (each carries a non-null `cluster` membership block).
         */
        get: operations["listPods"];
        put?: never;
        /**
         * Create a pod
         * @description Creates a new pod. `name` is always required; supply exactly one of
         *     `gpu` or `cpu` to select compute (a GPU or a CPU pod). Container
         *     settings come from the body, from a template referenced by
         *     `templateId` (body fields override the template's), or both; `image`
         *     is required unless `templateId` is set. See `CreatePodRequest` for
         *     the full body.
         *
         *     Returns `201` with the created pod. Provisioning is asynchronous: the
         *     pod starts in `PROVISIONING`, transitions through `STARTING`, and
         *     reaches `RUNNING` once its container is healthy. Poll `getPod` (or
         *     watch the pod's `status`) to observe readiness rather than assuming
         *     the pod is running when this call returns.
         *
         *     ## Checking what you can deploy
         *
         *     This endpoint places one specific GPU type. It does not search for
         *     capacity, and it does not fall back to a different GPU. To find out
         *     what is deployable before you call it, read the catalog:
         *
         *     - [List GPU types](https://docs.runpod.io/api-reference-v2/catalog/list-gpu-types)
         *       — GPU types with pricing, per-cloud ceilings, and, with
         *       `include=AVAILABILITY&product=POD`, current pod stock.
         *     - [List data centers](https://docs.runpod.io/api-reference-v2/catalog/list-data-centers)
         *       — locations, with `include=GPU_AVAILABILITY` for stock per data
         *       center.
         *
         *     Both accept filters that combine, so you can narrow by location and by
         *     compute in one request — for example
         *     `GET /v2/catalog/datacenters?regions=EUROPE&include=GPU_AVAILABILITY`
         *     returns only European data centers, each carrying the GPU types
         *     currently available there.
         *
         *     ## Deploying under region and GPU constraints
         *
         *     If you need a particular GPU in a particular geography, the working
         *     pattern is read-then-create: narrow the catalog to an acceptable
         *     (data center, GPU) set, then call this endpoint once per candidate in
         *     your order of preference until one returns `201`. The runnable sample
         *     alongside this operation does exactly that.
         *
         *     Availability can change between the catalog read and the create call,
         *     so treat the catalog as a way to order your candidates, not as a
         *     reservation — a create can still fail for capacity on a GPU the
         *     catalog just reported as available.
         *
         *     Which failures are worth retrying:
         *
         *     | Status | Meaning | Do |
         *     | --- | --- | --- |
         *     | `422` | The body does not match the contract. `errors` lists each violation. | Fix the request. Never retry. |
         *     | `400` | The body matches the contract but was rejected — either it breaks a cross-field rule, or this GPU and data center combination could not be placed. | Try your next candidate. |
         *     | `402` | Insufficient balance. | Stop; no candidate will succeed. |
         *     | `403` | Your account cannot access the requested pool. | Skip this candidate, keep going. |
         *     | `429` | Rate limited. | Back off using `Retry-After`, then resume. |
         *     | `5xx` | Transient upstream failure. | Retry the same candidate with backoff. |
         *
         *     `400` covers both "your request breaks a rule" and "no capacity",
         *     because capacity exhaustion currently carries no machine-readable code
         *     of its own — only a human-readable `detail`. A rule violation is
         *     deterministic, so it fails identically on every candidate: if *every*
         *     candidate returns `400`, read the last `detail` as a problem with the
         *     request rather than as absent capacity.
         */
        post: operations["createPod"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/pods/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Pod identifier
                 * @example pod_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Get a pod
         * @description Returns a single pod by ID.
         */
        get: operations["getPod"];
        put?: never;
        post?: never;
        /**
         * Terminate a pod
         * @description Permanently terminates and deletes a pod. This is irreversible:
         *     compute is released, any `mounts.persistent` host-local storage is
         *     destroyed with it (a `mounts.network` volume is only detached — the
         *     volume itself is not deleted), and the pod no longer appears in
         *     `listPods`.
         *
         *     Pods that belong to a Cluster cannot be terminated here — delete the
         *     cluster via `DELETE /v2/clusters/{id}`.
         */
        delete: operations["deletePod"];
        options?: never;
        head?: never;
        /**
         * Update a pod
         * @description Partially updates a pod's configuration. This is a PATCH: only the
         *     fields present in the body are changed, and omitted fields are left
         *     untouched. Use empty values only when you explicitly mean to clear a
         *     field (for example, set `registry` to `null` or set `ports` to `[]`).
         *     See `UpdatePodRequest` for the full body.
         *
         *     Mutable fields: `name`, `image`, `args`, `disk`, `ports`, `env`,
         *     `registry`, `mounts`, `locked`, and `globalNetworking`. Some changes
         *     apply immediately while others (e.g. `globalNetworking`) take effect
         *     on the pod's next start/restart, as noted on the individual fields.
         *
         *     Pods that belong to a Cluster cannot be updated here — manage them
         *     through `/v2/clusters/{id}`.
         *
         *     Returns `200` with the full updated pod.
         */
        patch: operations["updatePod"];
        trace?: never;
    };
    "/v2/pods/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Pod identifier
                 * @example pod_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Stream pod logs
         * @description Streams pod logs as Server-Sent Events. The `source` query parameter
         *     selects which log source to include.
         *
         *     The SSE `data` payload shape is:
         *     `{ "source": "container", "line": "...", "ts": "..." }`.
         *     Log-event `id` values are the event `ts` timestamp so
         *     browser/EventSource reconnects can resume with `Last-Event-ID`.
         */
        get: operations["getPodLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/pods/{id}/action": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example pod_abc123 */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Trigger a pod state transition
         * @description Triggers a state transition on a pod. Send a JSON body with a single
         *     `action` field, e.g. `{ "action": "stop" }`.
         *
         *     Valid actions:
         *     - `start`     — boot a stopped pod (`EXITED` or `ERROR`) back toward
         *       `RUNNING`.
         *     - `stop`      — stop a running or provisioning pod, releasing GPU/CPU
         *       compute while keeping its disk. The pod moves to `EXITED`.
         *     - `restart`   — restart a `RUNNING` pod's container in place.
         *     - `terminate` — permanently delete the pod and release its resources
         *       (equivalent to `deletePod`).
         *
         *     Which actions are valid depends on the pod's current status, and the
         *     currently permitted set is published in the pod's `actions` field:
         *     `RUNNING` allows `stop`/`restart`/`terminate`; `EXITED` and `ERROR`
         *     allow `start`/`terminate`; `PROVISIONING` and `STARTING` allow
         *     `stop`/`terminate`.
         *
         *     `start`, `stop`, and `restart` return `200` with the updated pod.
         *     `terminate` returns `204` with no body. Requesting an action that is
         *     not valid for the pod's current status returns `409`.
         */
        post: operations["podAction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/clusters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List clusters
         * @description Returns all clusters owned by the authenticated user.
         */
        get: operations["listClusters"];
        put?: never;
        /**
         * Create a cluster
         * @description Creates a multi-node cluster. `compute` sets the homogeneous
         *     pod shape; the container configuration applies to every pod and can be spread
         *     from a template response.
         */
        post: operations["createCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/clusters/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Cluster identifier
                 * @example cluster_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Get a cluster
         * @description Returns a single cluster by ID. The pods field is an aggregate summary (total + count by status); fetch the member pods themselves from /v2/clusters/{id}/pods.
         */
        get: operations["getCluster"];
        put?: never;
        post?: never;
        /**
         * Delete a cluster
         * @description Permanently deletes a cluster and terminates all of its member pods.
         */
        delete: operations["deleteCluster"];
        options?: never;
        head?: never;
        /**
         * Rename a cluster
         * @description Renames a cluster. This endpoint only changes the cluster
         *     name — compute shape, type, and container configuration are fixed at
         *     creation and cannot be updated.
         */
        patch: operations["updateCluster"];
        trace?: never;
    };
    "/v2/clusters/{id}/pods": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Cluster identifier
                 * @example cluster_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * List a cluster's pods
         * @description Returns the full member pods of a cluster. The cluster summary (`GET /v2/clusters/{id}`) carries only aggregate pod counts; this endpoint returns each member as a complete Pod object.
         */
        get: operations["listClusterPods"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/serverless": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List serverless endpoints
         * @description Returns all serverless endpoints owned by the authenticated user.
         */
        get: operations["listEndpoints"];
        put?: never;
        /**
         * Create a serverless endpoint
         * @description Creates a serverless endpoint. Callers specify exactly one of `gpu` or
         *     `cpu`; neither or both returns 400. Container settings come from the
         *     body, from a serverless template referenced by `templateId` (body
         *     fields override the template's), or both; `image` is required unless
         *     `templateId` is set. See `CreateEndpointRequest` for the full body.
         *
         *     The CUDA constraints live on `gpu` — `gpu.allowedCudaVersions` and
         *     `gpu.minCudaVersion` — so a CPU create cannot express them and the
         *     schema rejects the attempt with a 422. A non-empty set and a floor are
         *     mutually exclusive (400 if both are sent); an explicit empty set states
         *     no constraint and may accompany a floor.
         *
         *     Returns `201` with the created endpoint. The endpoint can accept jobs
         *     immediately, but starts with no active workers unless `workers.min`
         *     is greater than 0. Workers are provisioned on demand and autoscaled
         *     between `workers.min` and `workers.max` according to the `scaling`
         *     policy, so the first request to an idle endpoint may incur cold-start
         *     latency while a worker pulls its image and boots.
         *
         *     ## Checking what you can deploy
         *
         *     `gpu.pools` takes serverless GPU **pool** IDs, not the GPU type IDs
         *     used for pods. `gpu.excludedTypes` takes the type IDs — it subtracts
         *     specific cards from the pools you picked. Read both from the catalog
         *     before you create:
         *
         *     - [List GPU types](https://docs.runpod.io/api-reference-v2/catalog/list-gpu-types)
         *       — the `pool` field carries the pool ID for each GPU type (`null`
         *       means that type is not in a serverless pool). Add
         *       `include=AVAILABILITY&product=SERVERLESS` for current serverless
         *       stock.
         *     - [List data centers](https://docs.runpod.io/api-reference-v2/catalog/list-data-centers)
         *       — locations to constrain with `dataCenterIds`, with
         *       `include=GPU_AVAILABILITY` for stock per data center.
         *
         *     Unlike pod creation, you do not need to retry across GPUs yourself:
         *     list every pool you are willing to run on and workers are placed on
         *     whichever one has capacity. Listing more pools — and leaving
         *     `dataCenterIds` unset — gives the scheduler more room and reduces the
         *     chance of workers failing to start when a single pool is exhausted.
         *
         *     If your workload needs a specific card, pick the pool that holds it and
         *     exclude the rest of that pool with `gpu.excludedTypes`. Keep at least
         *     one type in the selection — upstream rejects a selection that leaves
         *     none.
         */
        post: operations["createEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/serverless/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Serverless endpoint identifier
                 * @example ep_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Get a serverless endpoint
         * @description Returns a single serverless endpoint by ID.
         */
        get: operations["getEndpoint"];
        put?: never;
        post?: never;
        /**
         * Delete a serverless endpoint
         * @description Permanently deletes a serverless endpoint and its bound template.
         *     This is irreversible: all workers are terminated and any queued or
         *     in-progress jobs are cancelled.
         */
        delete: operations["deleteEndpoint"];
        options?: never;
        head?: never;
        /**
         * Update a serverless endpoint
         * @description Partially updates a serverless endpoint. This is a PATCH: only the
         *     fields present in the body are changed; omitted fields are left
         *     untouched. See `UpdateEndpointRequest` for the full body.
         *
         *     Mutable fields: `name`, `gpu`, `cpu`, `workers` (`min`/`max`),
         *     `scaling` (`type`/`value`/`idleTimeout`), `dataCenterIds`,
         *     `networkVolumes`, `timeout`, `flashboot`, and the container settings
         *     (`image`, `args`, `disk`, `ports`, `env`, `registry`).
         *
         *     Omitted compute preserves the current selection. `cpu` completely
         *     replaces a CPU endpoint's selection; compute family is immutable.
         *     `gpu` on CPU, `cpu` on GPU, or both fields returns 400.
         *
         *     Returns `200` with the full updated endpoint. Effect timing differs
         *     by field: scaling and worker-bound settings (`workers`, `scaling`,
         *     `timeout`) are applied to the autoscaler promptly, while
         *     container-affecting changes (e.g. `image`, `env`) create a new
         *     endpoint release that rolls out as workers cycle — in-flight workers
         *     keep the previous version until they are replaced. Track rollout via
         *     `listEndpointReleases`.
         */
        patch: operations["updateEndpoint"];
        trace?: never;
    };
    "/v2/serverless/{id}/workers": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Serverless endpoint identifier
                 * @example ep_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * List serverless endpoint workers
         * @description Lists the active workers for a serverless endpoint.
         *
         *     **Returns.** A `200` with a `ListEndpointWorkersResponse`: a
         *     `workers` array (one entry per active worker, each carrying its `id`,
         *     `status`, and runtime details) plus a `summary` of worker counts
         *     grouped by status. Only currently active workers are included;
         *     scaled-down workers are not returned.
         *
         *     **How `status` is determined.** Each worker's `status` is derived by
         *     reconciling the worker pod's lifecycle status with the endpoint's
         *     live job-queue view (which workers are actively serving requests).
         *     When the job-queue view is unavailable, the response degrades
         *     gracefully: the shape is unchanged, but each `status` and the summary
         *     counts fall back to pod lifecycle alone.
         */
        get: operations["listEndpointWorkers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/serverless/{id}/releases": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Serverless endpoint identifier
                 * @example ep_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * List serverless endpoint releases
         * @description Returns the endpoint's release history (newest first) plus a rollout
         *     summary of how many workers are running the current version. Each
         *     release is a versioned configuration snapshot with a `diff` of what
         *     changed; build-driven releases carry a `buildId` (fetch build detail via
         *     the builds sub-routes).
         */
        get: operations["listEndpointReleases"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/serverless/{id}/workers/{workerId}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Serverless endpoint identifier
                 * @example ep_abc123
                 */
                id: string;
                /**
                 * @description Worker identifier (from GET /v2/serverless/{id}/workers)
                 * @example worker_abc
                 */
                workerId: string;
            };
            cookie?: never;
        };
        /**
         * Stream serverless worker logs
         * @description Streams a serverless worker's logs as Server-Sent Events. The `source`
         *     query parameter selects which log source to include.
         *
         *     The SSE `data` payload shape is:
         *     `{ "source": "container", "line": "...", "ts": "..." }`.
         *     Log-event `id` values are the event `ts` timestamp so browser/EventSource
         *     reconnects can resume with `Last-Event-ID`.
         */
        get: operations["getWorkerLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List templates
         * @description Returns all templates owned by the authenticated user.
         */
        get: operations["listTemplates"];
        put?: never;
        /**
         * Create a template
         * @description Creates a reusable container-configuration preset — image, disk,
         *     ports, env, registry, and mount settings — for pods and serverless
         *     endpoints. Pass its ID as `templateId` to `createPod` or
         *     `createEndpoint`, or spread its fields into the request body
         *     directly. Returns the created template.
         */
        post: operations["createTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/templates/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example tpl_abc */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Get a template
         * @description Returns the full configuration of a single template by ID. Serves
         *     both templates you own and public catalog templates — everything you
         *     can read. Updates and deletes remain restricted to templates you own.
         */
        get: operations["getTemplate"];
        put?: never;
        post?: never;
        /**
         * Delete a template
         * @description Permanently deletes a template by ID. Only the template's owner can
         *     delete it — public catalog templates return `404` here. Rejected if
         *     the template is currently referenced by a pod (see that pod's
         *     `template` field) or bound to a serverless endpoint.
         */
        delete: operations["deleteTemplate"];
        options?: never;
        head?: never;
        /**
         * Update a template
         * @description Partially updates a template. This is a PATCH: only the fields
         *     present in the body are changed; omitted fields are left untouched.
         *     See `UpdateTemplateRequest` for the full body.
         *
         *     Mutable fields: `name`, `image`, `args`, `disk`, `ports`, `env`,
         *     `registry`, `mounts`, `serverless`, `public`, and `category`.
         *
         *     Only the template's owner can update it (authenticated via the
         *     request's API key); public catalog templates are readable via GET
         *     but return `404` here. Returns `200` with the full updated template. Pods and
         *     endpoints already created from this template are not changed
         *     retroactively — the template is a snapshot applied at creation time.
         */
        patch: operations["updateTemplate"];
        trace?: never;
    };
    "/v2/network-volumes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List network volumes
         * @description Returns all network volumes owned by the authenticated user.
         */
        get: operations["listNetworkVolumes"];
        put?: never;
        /**
         * Create a network volume
         * @description Provisions a new network volume — persistent, network-attached
         *     storage that can be mounted into pods and serverless workers.
         *     Required inputs are `name`, `size` (in GB), and `dataCenter`; an
         *     optional `type` selects the storage tier and is immutable after
         *     creation. See `CreateNetworkVolumeRequest` for the size bounds and
         *     tier options.
         *
         *     This creates a billable persistent resource that keeps incurring
         *     storage charges until it is deleted. Returns `201` with the created
         *     network volume, including its assigned `id`.
         */
        post: operations["createNetworkVolume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/network-volumes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Network volume identifier
                 * @example agv6w2qcg7
                 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Get a network volume
         * @description Returns a single network volume by ID.
         */
        get: operations["getNetworkVolume"];
        put?: never;
        post?: never;
        /**
         * Delete a network volume
         * @description Permanently deletes a network volume and releases its storage.
         */
        delete: operations["deleteNetworkVolume"];
        options?: never;
        head?: never;
        /**
         * Update a network volume
         * @description Updates mutable fields on a network volume. Only provided fields are changed.
         *     Note: `size` may only increase; attempts to reduce size will be rejected.
         */
        patch: operations["updateNetworkVolume"];
        trace?: never;
    };
    "/v2/registries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List container registries
         * @description Returns all container registry credentials owned by the authenticated user.
         */
        get: operations["listRegistries"];
        put?: never;
        /**
         * Create a container registry credential
         * @description Stores credentials for a private container registry. Credentials are write-only.
         */
        post: operations["createRegistry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/registries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example reg_abc */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Get a container registry credential
         * @description Returns a single container registry credential by ID. `username` and
         *     `password` are never included in the response — credentials are
         *     write-only, matching `createRegistry`.
         */
        get: operations["getRegistry"];
        put?: never;
        post?: never;
        /**
         * Delete a container registry credential
         * @description Permanently deletes a container registry credential by ID. Rejected
         *     if any pod currently uses this credential to pull its image.
         *     Templates that reference it are not part of that check — they
         *     silently lose the reference (`registry` becomes null) instead of
         *     blocking the delete.
         */
        delete: operations["deleteRegistry"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/registries/delegations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List all ECR delegations */
        get: operations["listDelegations"];
        put?: never;
        /** Register an ECR delegation */
        post: operations["createDelegation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/registries/delegations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example deleg_abc */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an ECR delegation */
        delete: operations["revokeDelegation"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/catalog/gpus": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List GPU types
         * @description Returns available GPU types with pricing. Availability is included only when requested with include=AVAILABILITY, which requires `product` — stock differs by product context. With countryCodes, the list is narrowed to GPU types deployable in those countries, so "this geography + this chip" resolves in one read.
         */
        get: operations["listGpuTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/catalog/gpus/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example NVIDIA GeForce RTX 4090 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Get a GPU type
         * @description Returns a single GPU type with pricing. Availability details are included only when requested with include=AVAILABILITY, which requires `product` — stock differs by product context.
         */
        get: operations["getGpuType"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/catalog/cpus": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List CPU types
         * @description Returns available CPU flavors. Availability is included only when requested with include=AVAILABILITY, which requires `product` — stock differs by product context.
         */
        get: operations["listCpuTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/catalog/cpus/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example cpu5c */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Get a CPU type
         * @description Returns a single CPU type with pricing. Availability details are included only when requested with include=AVAILABILITY, which requires `product` — stock differs by product context.
         */
        get: operations["getCpuType"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/catalog/datacenters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List data centers
         * @description Returns available data center locations with region, compliance, supported network volume tiers, and global networking support. Use include=GPU_AVAILABILITY or include=CPU_AVAILABILITY to add per-resource availability arrays to each data center. The regions, networkVolumeTypes, compliance, and globalNetwork query parameters filter the list before it is returned.
         */
        get: operations["listDataCenters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/catalog/datacenters/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example US-CA-2 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Get a data center
         * @description Returns a single data center. Availability is included only when requested with include=GPU_AVAILABILITY or include=CPU_AVAILABILITY.
         */
        get: operations["getDataCenter"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/catalog/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List public templates
         * @description Returns the public template catalog. `source` selects which slice:
         *     `official` (the default) is Runpod-curated templates, `verified` is
         *     community templates Runpod has verified, and `community` is everything
         *     else other users have shared publicly. Both pod and serverless
         *     templates appear — use each entry's `serverless` flag to tell them
         *     apart. `registry` is always null for templates you don't own. Your own
         *     templates (public or private) are managed under `/v2/templates`; fetch
         *     any individual template — catalog or owned — via `/v2/templates/{id}`.
         *
         *     At most 100 templates are returned. Pagination is not yet supported.
         */
        get: operations["listPublicTemplates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/billing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get aggregated billing history
         * @description Returns time-bucketed total spend across all billable Runpod resources for the authenticated user. Use startTime/endTime with bucketSize for an explicit range, or lastN with bucketSize for the most recent buckets. Each record reports one bucket's total plus pod, serverless, storage, public endpoint, and Instant Cluster cost components. The metadata block echoes the resolved query window, record count, and totals across all returned buckets.
         */
        get: operations["listBilling"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/billing/pods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get pod billing history
         * @description Returns pod-only billing detail for the authenticated user, split into time buckets by startTime/endTime with bucketSize or by lastN recent buckets. Use podId to narrow the response to one GPU or CPU pod; without it, records are emitted per pod per bucket. Each record includes podId, GPU, CPU, disk, and total amounts, while metadata echoes the resolved query and totals across the pod records. Use listBilling when you need aggregate spend across every billable resource family.
         */
        get: operations["listPodBilling"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/billing/serverless": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get serverless billing history
         * @description Returns serverless endpoint billing detail for the authenticated user, split into time buckets by startTime/endTime with bucketSize or by lastN recent buckets. Use serverlessId to filter to one endpoint; without it, records are emitted per serverless endpoint per bucket. Each record reports endpoint-level GPU, CPU, disk, platform fee, and total amounts. This is distinct from pod billing, which covers standalone GPU and CPU pod costs rather than serverless endpoint workloads.
         */
        get: operations["listServerlessBilling"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/billing/endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get public endpoint billing history
         * @description Returns Runpod public endpoint billing history for the authenticated user, split into time buckets by startTime/endTime with bucketSize or by lastN recent buckets. Each record reports the endpoint total for one bucket, and metadata echoes the resolved query window, record count, and total endpoint amount across all returned records.
         */
        get: operations["listEndpointBilling"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/billing/network-volumes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get network volume billing history
         * @description Returns network volume billing history for the authenticated user, split into time buckets by startTime/endTime with bucketSize or by lastN recent buckets. Use networkVolumeId to filter to one volume; without it, records are emitted per volume per bucket. Each record includes standard storage, high-performance storage, and total amounts, while metadata reports the resolved query, distinct volume count, and totals across the returned records.
         */
        get: operations["listNetworkVolumeBilling"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/billing/clusters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get cluster billing history
         * @description Returns Cluster billing history for the authenticated user, split into time buckets by startTime/endTime with bucketSize or by lastN recent buckets. Use clusterId to filter to one cluster; without it, records are emitted per cluster per bucket. Each record includes GPU compute, disk, inter-node networking, and total amounts. Clusters are GPU-only, so no CPU cost component is returned.
         */
        get: operations["listClusterBilling"];
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
        /** @description Container configuration universal to every containerized resource. Compose ContainerConfig instead unless the resource cannot support private registries (clusters, until the upstream input accepts a registry credential). */
        BaseContainerConfig: {
            /**
             * @description Arguments passed to the container entrypoint
             * @example
             */
            args?: string;
            /**
             * @description Container disk in GB (ephemeral, wiped on restart)
             * @example 50
             */
            disk?: number;
            /**
             * @description Environment variables as key-value pairs
             * @example {
             *       "JUPYTER_PASSWORD": "hunter2"
             *     }
             */
            env?: {
                [key: string]: string;
            };
            /**
             * @description Docker image reference
             * @example runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404
             */
            image?: string;
            /**
             * @description Exposed ports, formatted as port/protocol
             * @example [
             *       "8888/http",
             *       "22/tcp"
             *     ]
             */
            ports?: string[];
        };
        /** @description Reusable container configuration shared across templates, pods, and serverless endpoints. Adding a field here automatically propagates to all three resources. */
        ContainerConfig: components["schemas"]["BaseContainerConfig"] & {
            /**
             * @description Container registry credential ID (for private images)
             * @example null
             */
            registry?: string | null;
        };
        /**
         * @description Storage mounts attached to a pod. At-most-one of `persistent` or
         *     `network` may be set today (mutually exclusive, enforced at the
         *     handler with 400 if both are present). The `network` field is an
         *     array for forward compatibility with eventual multi-network-volume
         *     support, but `maxItems` is 1 today.
         *
         *     PATCH semantics:
         *     - Omitting `mounts` or sending `{}` leaves the existing mount
         *       unchanged.
         *     - An explicit `network: []` is rejected with 400 (clearing mounts
         *       is not supported).
         *     - Mount kind is fixed at create — a PATCH that introduces a kind
         *       not present at create (persistent on a network pod, network on
         *       a persistent pod, or any mount on a previously-mountless pod)
         *       is rejected with 400.
         *     - The `volumeId` of a network mount is immutable; a PATCH that
         *       names a different `volumeId` is rejected with 400.
         *     - Partial mounts are not supported — every mount entry must
         *       include the full schema (`size` + `path` for persistent,
         *       `volumeId` + `path` for network). Missing required fields → 422.
         */
        Mounts: {
            persistent?: components["schemas"]["PersistentMount"];
            network?: components["schemas"]["NetworkMount"][];
        };
        /**
         * @description Storage mounts attached to a template. Templates support only a
         *     single persistent mount today; any `network` property is rejected
         *     with 422 by the schema validator.
         *
         *     PATCH semantics: omitting `mounts` or sending `{}` leaves the
         *     existing mount unchanged.
         */
        TemplateMounts: {
            persistent?: components["schemas"]["PersistentMount"];
        };
        /**
         * @description Host-local persistent storage. Pinned to the pod's host machine — data
         *     does not survive a host failure. Disallowed on CPU pods. Mutually
         *     exclusive with NetworkMount. Deprecated: prefer NetworkMount for any
         *     data you cannot recreate.
         */
        PersistentMount: {
            /**
             * @description Host-local persistent storage in GB. Upstream enforces a 10 GB floor.
             * @example 20
             */
            size: number;
            /**
             * @description Mount path inside the container. May be changed via PATCH.
             * @example /workspace
             */
            path: string;
        };
        /**
         * @description Reference to a NetworkVolume. Custom paths are honored at runtime on
         *     both GPU and CPU pods. The underlying `volumeId` is immutable
         *     post-create; the mount `path` may be changed via PATCH.
         */
        NetworkMount: {
            /**
             * @description ID of an existing NetworkVolume in the same data center as the pod.
             * @example vol_xyz
             */
            volumeId: string;
            /**
             * @description Mount path inside the container. No default — must be specified explicitly.
             * @example /runpod-volume
             */
            path: string;
        };
        GpuConfig: {
            /**
             * @description GPU type identifier
             * @example NVIDIA GeForce RTX 4090
             */
            id: string;
            /**
             * @description Number of GPUs
             * @default 1
             * @example 1
             */
            count: number;
        };
        /**
         * @description GPU request for a pod create. Carries the CUDA host constraints, which
         *     live here rather than at the body's top level so they are
         *     unrepresentable on a CPU pod.
         */
        CreateGpuConfig: components["schemas"]["GpuConfig"] & {
            /**
             * @description Acceptable CUDA versions for the host machine, as `major.minor`.
             *     Omit to accept any version. Matching is exact, so a version no
             *     machine reports yields a capacity error rather than a fallback —
             *     discover valid values per GPU type via
             *     `GET /v2/catalog/gpus?include=AVAILABILITY&product=POD`
             *     (`cudaVersions`).
             *
             *     A non-empty set is mutually exclusive with minCudaVersion (400
             *     if both are sent). An explicit `[]` states no constraint, so it
             *     may accompany a floor.
             * @example [
             *       "12.8",
             *       "12.6"
             *     ]
             */
            allowedCudaVersions?: string[];
            /**
             * @description Lowest acceptable CUDA version for the host machine, as
             *     `major.minor`, compared numerically rather than as a decimal —
             *     so 12.11 is above 12.2. Use this for an open-ended floor and
             *     allowedCudaVersions for an exact set.
             *
             *     Mutually exclusive with a non-empty allowedCudaVersions (400 if
             *     both are sent); an explicit `[]` there states no constraint and
             *     may accompany this floor.
             * @example 12.1
             */
            minCudaVersion?: string;
        };
        BaseCpuConfig: {
            /**
             * @description CPU flavor identifier, as returned by GET /v2/catalog/cpus.
             * @example cpu5c
             */
            id: string;
            /**
             * @description Number of vCPUs. Must be valid for the selected CPU flavor and must be a power of two.
             * @example 4
             */
            vcpuCount: number;
        };
        CreateCpuConfig: components["schemas"]["BaseCpuConfig"];
        CpuConfig: components["schemas"]["BaseCpuConfig"] & {
            /**
             * @description Memory allocated to the pod in GB.
             * @example 16
             */
            memory: number;
        };
        /**
         * @description FlashBoot cold-start acceleration mode.
         *     - `OFF`                — disabled
         *     - `FLASHBOOT`          — enabled
         *     - `PRIORITY_FLASHBOOT` — enabled with priority capacity
         * @enum {string}
         */
        FlashBoot: "OFF" | "FLASHBOOT" | "PRIORITY_FLASHBOOT";
        /**
         * @description Request-routing semantics for a modern serverless endpoint.
         *     - `QUEUE` — submit asynchronous or synchronous jobs through the managed queue.
         *     - `LOAD_BALANCER` — send requests directly to worker-defined HTTP paths.
         *       Configure via `env`: `PORT` (server port, default 80), `PORT_HEALTH`
         *       (health-check port, default 80), and `HEALTH_CHECK_PATH` (path the
         *       load balancer polls for worker health, default `/ping`).
         * @enum {string}
         */
        EndpointType: "QUEUE" | "LOAD_BALANCER";
        QueueBasedRequestUrls: {
            /**
             * Format: uri
             * @description URL for asynchronously submitting a queued job.
             * @example https://api.runpod.ai/v2/4m7x2k9q/run
             */
            run: string;
            /**
             * Format: uri
             * @description URL for synchronously submitting a queued job. Accepts an optional `?wait=x` query parameter to control how long the request waits for job completion, defaulting to 90 seconds.
             * @example https://api.runpod.ai/v2/4m7x2k9q/runsync
             */
            runSync: string;
            /**
             * Format: uri
             * @description Check the current state, execution statistics, and results of a previously submitted job.
             * @example https://api.runpod.ai/v2/4m7x2k9q/status/{job_id}
             */
            status: string;
            /**
             * Format: uri
             * @description Receive incremental results as they become available from a job that generates output progressively.
             * @example https://api.runpod.ai/v2/4m7x2k9q/stream/{job_id}
             */
            stream: string;
            /**
             * Format: uri
             * @description Stop an in-progress job or remove a queued job before it starts.
             * @example https://api.runpod.ai/v2/4m7x2k9q/cancel/{job_id}
             */
            cancel: string;
            /**
             * Format: uri
             * @description Requeue a failed or timed-out job without submitting a new request.
             * @example https://api.runpod.ai/v2/4m7x2k9q/retry/{job_id}
             */
            retry: string;
            /**
             * Format: uri
             * @description Remove all pending jobs from the queue. Does not affect in-progress jobs.
             * @example https://api.runpod.ai/v2/4m7x2k9q/purge-queue
             */
            purgeQueue: string;
            /**
             * Format: uri
             * @description Overview of an endpoint's operational status.
             * @example https://api.runpod.ai/v2/4m7x2k9q/health
             */
            health: string;
        };
        LoadBalancingRequestUrls: {
            /**
             * Format: uri
             * @description Base URL for worker-defined HTTP and WebSocket paths.
             * @example https://4m7x2k9q.api.runpod.ai
             */
            base: string;
            /**
             * Format: uri
             * @description Health check endpoint the load balancer will periodically ping to decide if the worker is healthy enough to receive traffic. Configurable by setting the `HEALTH_CHECK_PATH` environment variable. Defaults to `/ping` if the variable is not set.
             * @example https://4m7x2k9q.api.runpod.ai/ping
             */
            health: string;
        };
        /**
         * @description Request URLs appropriate to the endpoint's top-level `type`.
         *     Queue-based endpoints provide job submission and management URLs;
         *     load-balancing endpoints provide `base` and `health` because their
         *     remaining paths are worker-defined.
         */
        EndpointRequestUrls: components["schemas"]["QueueBasedRequestUrls"] | components["schemas"]["LoadBalancingRequestUrls"];
        BaseEndpointGpuConfig: {
            /**
             * @description Serverless GPU pool IDs (as returned by `GET /v2/catalog/gpus` in
             *     `pool`). Workers are placed on whichever listed pool has capacity.
             *     Narrow a pool down to specific cards with `excludedTypes`.
             * @example [
             *       "ADA_24"
             *     ]
             */
            pools?: string[];
            /**
             * @description GPU **type** IDs to subtract from the selected pools — the `id`
             *     field of `GET /v2/catalog/gpus`, the same identifiers pods take in
             *     `gpu.id`. Workers run on every type in `pools` except these. Omit to
             *     use the whole pool.
             *
             *     Pools stay the unit of selection; types are the unit of
             *     subtraction. There is no inclusive allowlist: a card later added to
             *     one of your pools becomes eligible, which is the honest reading of
             *     "this pool, minus these".
             *
             *     Tied to `pools`, because the two together are one selection:
             *     supplying `pools` replaces that selection wholesale, so a `PATCH`
             *     sending `pools` **without `excludedTypes`** **clears** them —
             *     restate them to keep them. A `PATCH` that omits `pools` leaves both
             *     the pools and the exclusions untouched, so changing only a CUDA
             *     constraint cannot widen a pinned endpoint.
             *
             *     Rejected with 400 if a value is not a GPU type in one of `pools`;
             *     upstream accepts unrecognized exclusions silently, so a typo would
             *     otherwise produce a filter that does nothing. Surrounding whitespace
             *     is trimmed, so `" NVIDIA L40"` and `"NVIDIA L40"` mean the same card.
             * @example [
             *       "NVIDIA L40"
             *     ]
             */
            excludedTypes?: string[];
            /**
             * @description GPUs per worker
             * @default 1
             * @example 1
             */
            count: number;
        };
        EndpointGpuConfig: components["schemas"]["BaseEndpointGpuConfig"] & {
            /**
             * @description Acceptable CUDA versions for worker placement, as `major.minor`. Empty means any version.
             * @example []
             */
            allowedCudaVersions: string[];
            /**
             * @description Lowest acceptable CUDA version for worker placement, as `major.minor`. Null means no floor.
             * @example null
             */
            minCudaVersion: string | null;
        };
        /**
         * @description GPU request for an endpoint create. Carries the CUDA constraints, which
         *     live here rather than at the body's top level so they are
         *     unrepresentable on a CPU endpoint.
         */
        CreateEndpointGpuConfig: components["schemas"]["BaseEndpointGpuConfig"] & {
            /**
             * @description Acceptable CUDA versions for worker placement, as
             *     `major.minor`. Omit to accept any version (or inherit the
             *     template's constraint when creating from `templateId`).
             *     Matching is exact — discover valid values per GPU type via
             *     `GET /v2/catalog/gpus?include=AVAILABILITY&product=SERVERLESS`
             *     (`cudaVersions`).
             *
             *     A non-empty set is mutually exclusive with minCudaVersion (400
             *     if both are sent). An explicit `[]` states no constraint, so it
             *     may accompany a floor.
             * @example [
             *       "12.8",
             *       "12.6"
             *     ]
             */
            allowedCudaVersions?: string[];
            /**
             * @description Lowest acceptable CUDA version for worker placement, as
             *     `major.minor`, compared numerically rather than as a decimal —
             *     so 12.11 is above 12.2. Use this for an open-ended floor and
             *     allowedCudaVersions for an exact set.
             *
             *     Mutually exclusive with a non-empty allowedCudaVersions (400 if
             *     both are sent); an explicit `[]` there states no constraint and
             *     may accompany this floor.
             * @example 12.1
             */
            minCudaVersion?: string;
        };
        /**
         * @description Partial GPU update — every field is optional and an omitted one is left
         *     unchanged. Unlike create, `pools` is optional, so changing only a CUDA
         *     constraint does not require resending the pool list.
         *
         *     `excludedTypes` requires `pools`, because the two are one selection and
         *     only a supplied `pools` replaces it — an exclusion on its own would
         *     otherwise be silently dropped.
         */
        UpdateEndpointGpuConfig: components["schemas"]["BaseEndpointGpuConfig"] & {
            /**
             * @description Acceptable CUDA versions for worker placement, as
             *     `major.minor`. An explicit `[]` clears the constraint;
             *     omitting the field leaves it unchanged. Takes effect as
             *     workers are replaced.
             *
             *     A non-empty set is mutually exclusive with minCudaVersion (400
             *     if both are sent). An explicit `[]` states no constraint, so it
             *     may accompany a floor.
             *     Setting one does not clear the other — clear it explicitly in
             *     the same patch if the endpoint already carries it.
             */
            allowedCudaVersions?: string[];
            /**
             * @description Lowest acceptable CUDA version for worker placement, as
             *     `major.minor`. An explicit `""` clears the floor; omitting the
             *     field leaves it unchanged. Takes effect as workers are
             *     replaced.
             *
             *     Mutually exclusive with a non-empty allowedCudaVersions (400 if
             *     both are sent); an explicit `[]` there states no constraint and
             *     may accompany this floor.
             * @example 12.1
             */
            minCudaVersion?: string;
        };
        EndpointWorkers: {
            /**
             * @description Minimum number of workers.
             * @example 0
             */
            min?: number;
            /**
             * @description Maximum number of workers.
             * @example 5
             */
            max?: number;
            /**
             * @description Seconds before idle workers scale down. Not applicable to queue-based
             *     endpoints scaling on `requestCount` — rejected on create/update and
             *     omitted from responses for that combination.
             * @example 5
             */
            idleTimeout?: number;
        };
        /** @description Scale on queue wait time. Queue-based endpoints only. */
        QueueDelayScaling: {
            /**
             * @description Scaler discriminator. Always `QUEUE_DELAY` for this variant. (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            type: "QUEUE_DELAY";
            /**
             * Format: float
             * @description Adjusts the number of workers based on how long requests wait in the queue.
             * @example 4
             */
            queueDelay: number;
        };
        /**
         * @description Scale on concurrent in-flight requests per worker. Required for
         *     load-balancing endpoints; also selectable for queue-based.
         */
        RequestCountScaling: {
            /**
             * @description Scaler discriminator. Always `REQUEST_COUNT` for this variant. (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            type: "REQUEST_COUNT";
            /**
             * @description Adjusts the number of workers based on active in-flight requests.
             * @example 4
             */
            requestCount: number;
        };
        /**
         * @description Autoscaling signal — a discriminated union on `type`: `QUEUE_DELAY`
         *     (queue-based endpoints only) or `REQUEST_COUNT`. The scaler is chosen
         *     independently of the endpoint's routing `type` and can be switched on
         *     update.
         */
        EndpointScaling: components["schemas"]["QueueDelayScaling"] | components["schemas"]["RequestCountScaling"];
        Endpoint: components["schemas"]["ContainerConfig"] & {
            /** @example ep_abc123 */
            id: string;
            /** @example my-inference */
            name: string;
            type?: components["schemas"]["EndpointType"];
            requestUrls?: components["schemas"]["EndpointRequestUrls"];
            gpu?: components["schemas"]["EndpointGpuConfig"] | null;
            /**
             * @description Eligible CPU configurations for each worker, in the order they
             *     were submitted. Present for CPU endpoints and omitted for GPU
             *     endpoints. Memory is derived from the selected flavor's catalog
             *     RAM multiplier.
             */
            cpu?: components["schemas"]["CpuConfig"][];
            workers: WithRequired<components["schemas"]["EndpointWorkers"], "min" | "max">;
            scaling: components["schemas"]["EndpointScaling"];
            /**
             * @example [
             *       "US-TX-3"
             *     ]
             */
            dataCenterIds: string[];
            /**
             * @example [
             *       "vol_abc"
             *     ]
             */
            networkVolumes: string[];
            /**
             * @description Per-request execution timeout in milliseconds
             * @example 300000
             */
            timeout: number;
            flashboot: components["schemas"]["FlashBoot"];
            /**
             * Format: date-time
             * @example 2026-03-13T20:00:00Z
             */
            createdAt: string;
        };
        ListEndpointsResponse: {
            endpoints: components["schemas"]["Endpoint"][];
        };
        /**
         * @description Derived worker state, reconciled from the worker pod's lifecycle status
         *     and the live job-queue view.
         *     - `RUNNING`      — actively processing a job
         *     - `IDLE`         — ready and polling for jobs
         *     - `INITIALIZING` — starting up, not yet ready
         *     - `THROTTLED`    — waiting on compute capacity
         *     - `UNHEALTHY`    — failing health checks
         * @enum {string}
         */
        WorkerStatus: "RUNNING" | "IDLE" | "INITIALIZING" | "THROTTLED" | "UNHEALTHY";
        Worker: {
            /** @example worker_abc */
            id: string;
            status: components["schemas"]["WorkerStatus"];
            /**
             * @description True when the worker is running an older endpoint configuration than
             *     the current one (e.g. mid rolling-update). This is the authoritative
             *     flag: it is derived from `version` vs the response's `endpointVersion`,
             *     except on legacy endpoints (`endpointVersion` 1) where it falls back
             *     to a container-image comparison.
             * @example false
             */
            isStale: boolean;
            /**
             * @description Endpoint configuration version this worker is running. Compare with
             *     the response's `endpointVersion`. Null if unknown.
             * @example 4
             */
            version?: number | null;
            /**
             * @description GPUs allocated to the worker.
             * @example 1
             */
            gpuCount: number;
            /**
             * @description Container image the worker is running.
             * @example my-org/sdxl-worker:latest
             */
            image?: string | null;
            /**
             * @description Seconds the worker has been running. Null until the worker is placed and running.
             * @example 3600
             */
            uptimeSeconds?: number | null;
            /**
             * @description GPU type the worker is placed on. Null until the worker is placed.
             * @example NVIDIA RTX 4090
             */
            gpuTypeId?: string | null;
            /**
             * @description Data center the worker is placed in. Null until the worker is placed.
             * @example US-TX-3
             */
            dataCenterId?: string | null;
            /**
             * Format: date-time
             * @description When the worker last started. Null if it has not started.
             * @example 2026-03-26T00:00:00Z
             */
            startedAt?: string | null;
        };
        /**
         * @description Histogram of the returned workers by status. The per-status counts are a
         *     roll-up of the `workers` array, so `running + idle + initializing +
         *     throttled + unhealthy == total == len(workers)`.
         */
        WorkerSummary: {
            /**
             * @description Workers actively processing a job.
             * @example 2
             */
            running: number;
            /**
             * @description Ready workers polling for jobs.
             * @example 1
             */
            idle: number;
            /**
             * @description Workers starting up, not yet ready.
             * @example 0
             */
            initializing: number;
            /**
             * @description Workers waiting on compute capacity.
             * @example 0
             */
            throttled: number;
            /**
             * @description Workers failing health checks.
             * @example 0
             */
            unhealthy: number;
            /**
             * @description All workers currently allocated to the endpoint.
             * @example 3
             */
            total: number;
        };
        ListEndpointWorkersResponse: {
            workers: components["schemas"]["Worker"][];
            summary: components["schemas"]["WorkerSummary"];
            /**
             * @description The endpoint's current configuration version. A worker whose
             *     `version` differs is running stale config (see `worker.isStale`).
             *     Null if unknown.
             * @example 4
             */
            endpointVersion?: number | null;
        };
        /**
         * @description What produced the release.
         *     - `GIT_BUILD` — a completed GitHub build (see `buildId`)
         *     - `MANUAL`    — a manual configuration change
         * @enum {string}
         */
        ReleaseSource: "GIT_BUILD" | "MANUAL";
        ReleaseDiffEntry: {
            /**
             * @description The changed configuration field. Top-level (e.g. `gpuCount`,
             *     `locations`) or template-scoped (e.g. `template.imageName`,
             *     `template.env`).
             * @example template.imageName
             */
            field: string;
            /** @description Previous value, as raw JSON. Null when the field was added. */
            old: unknown;
            /** @description New value, as raw JSON. Null when the field was removed. */
            new: unknown;
        };
        Release: {
            /** @example rel_abc123 */
            id: string;
            /**
             * @description The endpoint configuration version this release produced.
             * @example 4
             */
            version?: number | null;
            source: components["schemas"]["ReleaseSource"];
            /**
             * @description The GitHub build that produced this release. Set when `source` is
             *     `GIT_BUILD`; null for `MANUAL` releases. Fetch build detail/logs via
             *     `/v2/serverless/{id}/builds/{buildId}`.
             * @example build_abc123
             */
            buildId?: string | null;
            /** @description ID of the user who created the release. */
            createdByUserId?: string | null;
            /**
             * @description Workers currently running this release's version.
             * @example 2
             */
            workerCount: number;
            /**
             * Format: date-time
             * @example 2026-03-13T20:00:00Z
             */
            createdAt: string;
            /** @description Configuration fields that changed in this release. */
            diff: components["schemas"]["ReleaseDiffEntry"][];
        };
        RolloutSummary: {
            /**
             * @description True while any worker is still running an older version.
             * @example true
             */
            inProgress: boolean;
            /**
             * @description Workers running the endpoint's current version.
             * @example 2
             */
            workersOnLatest: number;
            /**
             * @description All workers currently allocated to the endpoint.
             * @example 3
             */
            workersTotal: number;
            /**
             * @description Percentage of workers on the current version (0 when there are no workers).
             * @example 67
             */
            percentOnLatest: number;
        };
        ListEndpointReleasesResponse: {
            /**
             * @description The endpoint's current configuration version. Null if unknown.
             * @example 4
             */
            endpointVersion?: number | null;
            rollout: components["schemas"]["RolloutSummary"];
            /** @description Release history, newest first. */
            releases: components["schemas"]["Release"][];
        };
        CreateEndpointRequest: components["schemas"]["ContainerConfig"] & unknown & {
            gpu?: components["schemas"]["CreateEndpointGpuConfig"];
            /** @example my-inference */
            name: string;
            scaling: components["schemas"]["EndpointScaling"];
            /**
             * @description Request-routing model. Required — it determines the valid scaler
             *     and request URLs, so it must be chosen explicitly on every create.
             */
            type: components["schemas"]["EndpointType"];
            /**
             * @description Eligible CPU configurations for each worker. Memory is derived from the
             *     selected flavor's catalog RAM multiplier. Exact duplicate configurations
             *     are rejected; the same flavor may be listed at different vCPU counts.
             */
            cpu?: components["schemas"]["CreateCpuConfig"][];
            /** @description Preferred data centers for placement. Omit or pass an empty array to let the scheduler choose. */
            dataCenterIds?: string[];
            /** @default OFF */
            flashboot: components["schemas"]["FlashBoot"];
            networkVolumes?: string[];
            /**
             * @description ID of a serverless template to base this endpoint on. The
             *     template is resolved at create time into the same container
             *     settings you could otherwise spread into this body (image,
             *     args, disk, ports, env, registry); explicit body fields
             *     override the template's, except `env`, which is merged per
             *     key with body values winning. The template's
             *     allowedCudaVersions seeds `gpu.allowedCudaVersions` when the
             *     body omits it — but only for a GPU create, since a CPU endpoint
             *     has no gpu block to seed into, and not when the body sets
             *     `gpu.minCudaVersion`, since seeding a set beside a floor would
             *     manufacture the mutual-exclusion 400 from a valid request. Its
             *     pod-specific startSsh/startJupyter flags are
             *     ignored. Later template edits do not affect the endpoint.
             *     The template may be one of your own or a public catalog
             *     template — see `GET /v2/catalog/templates` (unknown or
             *     inaccessible ID → 404) — and must be a serverless template
             *     (→ 422).
             * @example 30zmvf89kd
             */
            templateId?: string;
            /** @default 300000 */
            timeout: number;
            workers?: {
                /** @default 0 */
                min: number;
                /** @default 3 */
                max: number;
                /** @default 10 */
                idleTimeout: number;
            } & components["schemas"]["EndpointWorkers"];
        };
        UpdateEndpointRequest: components["schemas"]["ContainerConfig"] & {
            /**
             * @description Complete replacement CPU selection. Valid only for an existing CPU
             *     endpoint; endpoint compute family cannot be changed.
             */
            cpu?: components["schemas"]["CreateCpuConfig"][];
            /** @description Preferred data centers for placement. Omit or pass an empty array to let the scheduler choose. */
            dataCenterIds?: string[];
            flashboot?: components["schemas"]["FlashBoot"];
            gpu?: components["schemas"]["UpdateEndpointGpuConfig"];
            name?: string;
            networkVolumes?: string[];
            scaling?: components["schemas"]["EndpointScaling"];
            /**
             * @description ID of a serverless template whose container settings are
             *     applied as if they were provided in this PATCH body (image,
             *     args, disk, ports, env, registry). Explicit body fields
             *     override the template's; `env` merges template and body per
             *     key (body wins) and, per PATCH semantics, replaces the
             *     endpoint's env. One-time application — no link to the
             *     template is retained. Must be one of your templates or a
             *     public template (unknown or inaccessible ID → 404); must be
             *     a serverless template (→ 422).
             * @example 30zmvf89kd
             */
            templateId?: string;
            timeout?: number;
            workers?: components["schemas"]["EndpointWorkers"];
        };
        /** @description Single-value utilization percentage (0–100). Shared by `cpu` and `memory`. */
        Utilization: {
            /** @example 45 */
            util?: number;
        };
        /** @description Per-GPU utilization metrics. */
        PodGpuUtilization: {
            /** @example 94 */
            util?: number;
            /** @example 78 */
            memoryUtil?: number;
        };
        /** @description Live port mapping for a running pod. */
        PodRuntimePort: {
            /** @example 8888 */
            private?: number;
            /** @example 43210 */
            public?: number | null;
            /** @example http */
            type?: string;
            /** @example 45.23.12.1 */
            ip?: string | null;
        };
        /** @description Live utilization metrics for a running pod. */
        PodRuntime: {
            /**
             * @description Seconds since the container started
             * @example 3600
             */
            uptime?: number;
            gpus?: components["schemas"]["PodGpuUtilization"][];
            cpu?: components["schemas"]["Utilization"];
            memory?: components["schemas"]["Utilization"];
            ports?: components["schemas"]["PodRuntimePort"][];
        };
        /**
         * @description Lifecycle status of a pod.
         *     - `PROVISIONING` — pod is being allocated
         *     - `STARTING`     — container is starting
         *     - `RUNNING`      — container is healthy
         *     - `EXITED`       — container exited (stopped)
         *     - `ERROR`        — container is in an unrecoverable error state
         *     - `TERMINATED`   — pod has been permanently deleted
         * @enum {string}
         */
        PodStatus: "PROVISIONING" | "STARTING" | "RUNNING" | "EXITED" | "ERROR" | "TERMINATED";
        /**
         * @description State transition to trigger on a pod.
         * @enum {string}
         */
        PodAction: "start" | "stop" | "restart" | "terminate";
        /**
         * @description Log source to include in a log stream.
         *     - `container` — container stdout/stderr log stream
         *     - `system`    — host lifecycle/userlogs stream
         * @enum {string}
         */
        LogSource: "container" | "system";
        /**
         * @description Cloud tier.
         *     - `SECURE`    — Runpod-owned datacenter hardware
         *     - `COMMUNITY` — community-hosted hardware
         * @enum {string}
         */
        Cloud: "SECURE" | "COMMUNITY";
        /**
         * @description Controls how the template is grouped and filtered in the Runpod console.
         *     It does not affect hardware selection, scheduling, or billing.
         *     - `CPU`    — CPU-only workloads
         *     - `NVIDIA` — NVIDIA GPU workloads
         *     - `AMD`    — AMD GPU workloads
         * @enum {string}
         */
        TemplateCategory: "CPU" | "NVIDIA" | "AMD";
        PodGlobalNetworking: {
            /**
             * @description Whether global networking is enabled, giving the pod a private IP reachable across data centers. Derived from whether the pod has an assigned global-network address.
             * @example true
             */
            enabled: boolean;
            /**
             * @description The pod's assigned global-networking IP. Present only when enabled.
             * @example 10.65.1.42
             */
            ip?: string;
            /**
             * @description Internal DNS name (`<podId>.runpod.internal`), reachable from other globally-networked pods in the same account. Present only when enabled.
             * @example gfj8b292vyg08g.runpod.internal
             */
            internalDns?: string;
        };
        /** @description One way to reach the pod over SSH, as both its parts and a ready-to-run invocation. */
        PodSshEndpoint: {
            /**
             * @description Hostname or IP to connect to.
             * @example ssh.runpod.io
             */
            host: string;
            /**
             * @description TCP port to connect to.
             * @example 22
             */
            port: number;
            /**
             * @description SSH username. For the proxy this is an opaque routing token, not a user account on the pod.
             * @example 7h9k2m4n6p-64411eb2
             */
            username: string;
            /**
             * @description The equivalent `ssh` invocation, ready to run. Add `-i <path>` if the matching private key is not one of your default identities, and `-o StrictHostKeyChecking=no` to skip the host-key prompt on short-lived pods.
             * @example ssh 7h9k2m4n6p-64411eb2@ssh.runpod.io
             */
            command: string;
        };
        /** @description How to connect to this pod over SSH. Both variants authenticate with the account's registered SSH public keys (`PUT /v2/account/ssh-keys`), which reach the pod only if it was created with `startSsh` — a pod created without it has no SSH access regardless of what this block reports. */
        PodSsh: {
            /** @description Connection through Runpod's SSH proxy. Works without exposing a port and without a public IP, but carries an interactive shell only — SCP, SFTP, rsync, and port forwarding need `direct`. Null until the pod has a machine assignment. */
            proxy: components["schemas"]["PodSshEndpoint"] | null;
            /** @description Connection straight to the pod's sshd over its published `22/tcp` mapping. Supports the full SSH feature set. Null unless `22/tcp` is in `ports` and the running pod has been assigned a public port for it — so it is absent while the pod is provisioning or stopped. */
            direct: components["schemas"]["PodSshEndpoint"] | null;
        };
        SshKeys: {
            /**
             * @description The account's registered SSH public keys, one authorized_keys-style entry per element (`<type> <base64-key> [comment]`).
             * @example [
             *       "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXGDN/SclOozk1xsDztpmhGiKkkrfQB9SKoO8dSIQQZ me@example.com"
             *     ]
             */
            keys: string[];
        };
        UpdateSshKeysRequest: {
            /**
             * @description The full set of SSH public keys to register — this is a complete
             *     replacement, not a merge. Each entry is an authorized_keys-style
             *     line: `<type> <base64-key> [comment]`, e.g. from
             *     `~/.ssh/id_ed25519.pub`. Send `[]` to remove all keys. These keys
             *     are provisioned into pods created with `startSsh` and
             *     authenticate both SSH paths reported in the pod's `ssh` block.
             * @example [
             *       "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXGDN/SclOozk1xsDztpmhGiKkkrfQB9SKoO8dSIQQZ me@example.com"
             *     ]
             */
            keys: string[];
        };
        Pod: components["schemas"]["ContainerConfig"] & {
            /** @example pod_abc123 */
            id: string;
            /** @example my-training-pod */
            name: string;
            status: components["schemas"]["PodStatus"];
            /** @description Valid state transitions for the current status. */
            actions: components["schemas"]["PodAction"][];
            mounts: components["schemas"]["Mounts"];
            /** @description Present for GPU pods; omitted from CPU pods. */
            gpu?: components["schemas"]["GpuConfig"];
            /** @description Present for CPU pods; omitted from GPU pods. */
            cpu?: components["schemas"]["CpuConfig"];
            cloud: components["schemas"]["Cloud"];
            /**
             * @description Data center where the pod is running (assigned by scheduler)
             * @example US-TX-3
             */
            dataCenterId: string | null;
            /**
             * @description CUDA version reported by the host machine. Retained while the pod is stopped — a stopped pod keeps its machine assignment and resumes onto the same host. Null means unknown or not applicable (CPU pods, or a host that has not reported one), not that CUDA is absent.
             * @example 12.8
             */
            cudaVersion: string | null;
            /** @description SSH connection details, via the Runpod proxy or directly to the pod's published `22/tcp` port. */
            ssh: components["schemas"]["PodSsh"];
            /** @description Cluster membership; omitted from a standalone pod. Member pods are managed through `/v2/clusters/{id}` — they are excluded from `GET /v2/pods` by default (pass `includeClusterPods=true` to include them) and cannot be modified or deleted via the pod endpoints. */
            cluster?: components["schemas"]["PodCluster"];
            /**
             * @description ID of the template this pod was created from
             * @example null
             */
            template: string | null;
            /**
             * Format: float
             * @description Current cost in USD per hour (0.0 when EXITED or TERMINATED)
             * @example 0.35
             */
            cost: number;
            /**
             * @description Whether the pod is locked (prevents stopping or resetting)
             * @example false
             */
            locked: boolean;
            globalNetworking: components["schemas"]["PodGlobalNetworking"];
            /** @description Live utilization metrics. Null when the pod is not RUNNING. */
            runtime: components["schemas"]["PodRuntime"] | null;
            /**
             * Format: date-time
             * @example 2026-03-13T20:00:00Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-03-13T20:00:00Z
             */
            startedAt: string | null;
        };
        CreatePodRequest: components["schemas"]["ContainerConfig"] & {
            /** @example my-training-pod */
            name: string;
            /**
             * @description Cloud tier. Defaults to `SECURE` when omitted.
             * @default SECURE
             */
            cloud: components["schemas"]["Cloud"];
            cpu?: components["schemas"]["CreateCpuConfig"];
            /**
             * @description Preferred data centers for placement. Omit or pass an empty
             *     array to let the scheduler choose.
             * @example [
             *       "US-TX-3"
             *     ]
             */
            dataCenterIds?: string[];
            /**
             * @description Enable global networking, giving the pod a private IP reachable across data centers. Requires an NVIDIA GPU and a global-networking-enabled data center (both enforced upstream). See `GET /v2/catalog/datacenters` (`globalNetwork`) for eligible data centers.
             * @default false
             * @example false
             */
            globalNetworking: boolean;
            gpu?: components["schemas"]["CreateGpuConfig"];
            mounts?: components["schemas"]["Mounts"];
            /**
             * @description Create-time flag telling the provisioner to start JupyterLab:
             *     injects a generated `JUPYTER_PASSWORD` environment variable,
             *     unless the request already sets one. Only images that honor
             *     the convention start Jupyter from it (RunPod official images
             *     do); expose `8888/http` in `ports` to reach it.
             *
             *     Not part of the pod's readable config — never returned by
             *     GET and not changeable by PATCH.
             * @default false
             * @example true
             */
            startJupyter: boolean;
            /**
             * @description Create-time flag telling the provisioner to set up SSH
             *     access: injects a `PUBLIC_KEY` environment variable carrying
             *     your account's registered SSH public keys, unless the request
             *     already sets one. **Requires registered keys** (`PUT
             *     /v2/account/ssh-keys`) — with none registered the flag does
             *     nothing and the pod has no SSH access. Only images that honor
             *     the convention start sshd from it (all RunPod official images
             *     do). Connect using the pod's `ssh` block; the `ssh.direct`
             *     variant additionally needs a `22/tcp` entry in `ports`.
             *
             *     Not part of the pod's readable config — never returned by
             *     GET and not changeable by PATCH.
             * @default false
             * @example true
             */
            startSsh: boolean;
            /**
             * @description ID of a pod template to base this pod on. The template is
             *     resolved at create time into the same container settings you
             *     could otherwise spread into this body (image, args, disk,
             *     ports, env, registry, persistent mount, startSsh,
             *     startJupyter, allowedCudaVersions); explicit body fields
             *     override the template's, except `env`, which is merged per
             *     key with body values winning. Sending either CUDA field
             *     (`gpu.allowedCudaVersions` or `gpu.minCudaVersion`) replaces
             *     the template's CUDA constraint entirely, and CPU pods ignore
             *     it (like the persistent mount). The template is a one-time
             *     source of settings: later template edits do not affect the
             *     pod, and the created pod does not retain a link to the
             *     template (`template` stays null). The template may be one
             *     of your own or a public catalog template — see
             *     `GET /v2/catalog/templates` (unknown or inaccessible ID →
             *     404) — and must not be a serverless template (→ 422). CPU
             *     pods do not inherit a template's persistent mount.
             * @example 30zmvf89kd
             */
            templateId?: string;
        };
        UpdatePodRequest: components["schemas"]["ContainerConfig"] & {
            /** @description Enable (true) or disable (false) global networking. Takes effect on the next pod start/restart, not live. Requires an NVIDIA GPU and a global-networking-enabled data center (both enforced upstream). See `GET /v2/catalog/datacenters` (`globalNetwork`) for eligible data centers. */
            globalNetworking?: boolean;
            /** @description Lock the pod (true) or unlock it (false). Locked pods cannot be stopped or reset. */
            locked?: boolean;
            mounts?: components["schemas"]["Mounts"];
            name?: string;
            /**
             * @description ID of a pod template whose container settings are applied as
             *     if they were provided in this PATCH body (image, args, disk,
             *     ports, env, registry — mounts are not applied on update).
             *     Explicit body fields override the template's; `env` merges
             *     template and body per key (body wins) and, per PATCH
             *     semantics, replaces the pod's env. One-time application —
             *     no link to the template is retained. Must be one of your
             *     templates or a public template (unknown or inaccessible ID
             *     → 404); must not be a serverless template (→ 422).
             * @example 30zmvf89kd
             */
            templateId?: string;
        };
        PodActionRequest: {
            action: components["schemas"]["PodAction"];
        };
        ListPodsResponse: {
            pods: components["schemas"]["Pod"][];
        };
        /**
         * @description Cluster type. TRAINING is the generic distributed-training cluster; SLURM provisions a managed Slurm controller/compute topology; RAY provisions a managed Ray head/worker topology; APPLICATION is a general multi-node application cluster.
         * @example TRAINING
         * @enum {string}
         */
        ClusterType: "APPLICATION" | "TRAINING" | "SLURM" | "RAY";
        /** @description The homogeneous compute shape of a cluster. Every pod in the cluster is identical: `podCount` pods, each with `gpuCountPerPod` GPUs of type `gpuTypeId`. Total GPUs = `podCount` * `gpuCountPerPod`. */
        ClusterCompute: {
            /**
             * @description GPU type for every pod in the cluster, as returned by GET /v2/catalog/gpus.
             * @example NVIDIA H100 80GB HBM3
             */
            gpuTypeId: string;
            /**
             * @description Number of GPUs on each pod. Bounded above by the GPU type's per-cloud maximum (GpuType.maxCount); the upstream rejects values beyond it.
             * @example 8
             */
            gpuCountPerPod: number;
            /**
             * @description Number of pods (nodes) in the cluster.
             * @example 4
             */
            podCount: number;
        };
        /**
         * @description A cluster member's role. Assigned for SLURM and RAY clusters; omitted for TRAINING/APPLICATION members.
         * @enum {string}
         */
        PodClusterRole: "SLURM_CONTROLLER" | "SLURM_COMPUTE" | "RAY_HEAD" | "RAY_WORKER";
        /** @description A pod's membership in a cluster. */
        PodCluster: {
            /**
             * @description ID of the cluster this pod belongs to.
             * @example cluster_abc123
             */
            id: string;
            /**
             * @description The pod's node rank within the cluster (NODE_RANK), or null until the index is assigned during provisioning. Rank 0 is the cluster's entry node (`Cluster.primary`); for SLURM it is the controller.
             * @example 0
             */
            rank: number | null;
            /** @description SLURM or RAY role; omitted for TRAINING/APPLICATION clusters, which do not assign roles. */
            role?: components["schemas"]["PodClusterRole"];
            /**
             * @description The pod's address on the cluster's private overlay network; omitted until the address is assigned.
             * @example 10.65.0.2
             */
            ip?: string;
        };
        /** @description The cluster's private VXLAN overlay network (shared by all member pods). */
        ClusterNetwork: {
            /**
             * @description The overlay network's CIDR block.
             * @example 10.65.0.0/16
             */
            cidr: string;
            /**
             * @description VXLAN network identifier; omitted until assigned.
             * @example 42
             */
            vxlanId?: number;
            /**
             * @description UDP port carrying the VXLAN traffic; omitted until assigned.
             * @example 4789
             */
            vxlanPort?: number;
        };
        /** @description The cluster's primary (master) node, through which the cluster is typically driven. Omitted until a primary pod has been placed. */
        ClusterPrimary: {
            /**
             * @description ID of the primary member pod.
             * @example pod_node0
             */
            podId: string;
            status: components["schemas"]["PodStatus"];
            /**
             * @description Public SSH endpoint (`host:port`) for the primary node; omitted when the primary is not yet RUNNING or does not expose SSH (22/tcp).
             * @example 1.2.3.4:22001
             */
            sshEndpoint?: string;
        };
        /** @description A lightweight summary of a cluster's member pods. Use `GET /v2/clusters/{id}/pods` to retrieve the full pod objects. */
        ClusterPodsSummary: {
            /**
             * @description Number of member pods currently provisioned for the cluster.
             * @example 4
             */
            total: number;
            /**
             * @description Member pod counts keyed by pod status (the same values as `Pod.status`, e.g. RUNNING, PROVISIONING). Statuses with no pods are omitted.
             * @example {
             *       "RUNNING": 3,
             *       "PROVISIONING": 1
             *     }
             */
            byStatus: {
                [key: string]: number;
            };
        };
        /** @description A cluster. Cluster-level fields describe the identity and homogeneous shape; `pods` is a lightweight summary of the members. Fetch the full member pods — with their container config, mounts, and runtime state — from `GET /v2/clusters/{id}/pods`. */
        Cluster: {
            /** @example cluster_abc123 */
            id: string;
            /** @example my-training-cluster */
            name: string;
            type: components["schemas"]["ClusterType"];
            compute: components["schemas"]["ClusterCompute"];
            /**
             * @description ID of the template this cluster's pods were created from; omitted when they were not created from one.
             * @example tpl_abc
             */
            template?: string;
            /**
             * @description Data center the cluster is placed in (a cluster is always within a single data center). Derived from the member pods; omitted until at least one pod is placed.
             * @example US-TX-3
             */
            dataCenterId?: string;
            pods: components["schemas"]["ClusterPodsSummary"];
            /** @description The cluster's overlay network; omitted until the network is provisioned. */
            network?: components["schemas"]["ClusterNetwork"];
            /** @description The primary (master) node; omitted until a primary pod is placed. Its `sshEndpoint` is omitted until that pod is RUNNING with SSH exposed. */
            primary?: components["schemas"]["ClusterPrimary"];
            /**
             * Format: date-time
             * @example 2026-06-29T20:00:00Z
             */
            createdAt: string;
        };
        CreateClusterRequest: components["schemas"]["BaseContainerConfig"] & {
            compute: components["schemas"]["ClusterCompute"];
            /** @example my-training-cluster */
            name: string;
            type: components["schemas"]["ClusterType"];
            /**
             * @description Preferred data centers for placement. Omit or pass an empty
             *     array to let the scheduler choose. A cluster is always placed
             *     within a single data center.
             * @example [
             *       "US-TX-3"
             *     ]
             */
            dataCenterIds?: string[];
            mounts?: components["schemas"]["Mounts"];
            /**
             * @description Start Jupyter on every member pod, as on pod create.
             * @default false
             */
            startJupyter: boolean;
            /**
             * @description Provision SSH access on every member pod: injects a PUBLIC_KEY environment variable carrying your account's registered SSH public key. Same semantics as the pod create flag.
             * @default false
             */
            startSsh: boolean;
        };
        /**
         * @description Request body for updating a cluster. Only the cluster name can be
         *     changed — this endpoint is a rename. Compute shape, type, and container
         *     configuration are fixed at creation.
         */
        UpdateClusterRequest: {
            /** @example renamed-cluster */
            name?: string;
        };
        ListClustersResponse: {
            clusters: components["schemas"]["Cluster"][];
        };
        Template: components["schemas"]["ContainerConfig"] & {
            /** @example tpl_abc */
            id: string;
            /** @example My PyTorch Template */
            name: string;
            mounts: components["schemas"]["TemplateMounts"];
            /**
             * @description Whether this template is for serverless workers (true) or pods (false)
             * @example false
             */
            serverless: boolean;
            /**
             * @description Whether this template is visible to other Runpod users
             * @example false
             */
            public: boolean;
            category: components["schemas"]["TemplateCategory"];
            /**
             * @description Whether containers created from this template get SSH access provisioned at startup (`PUBLIC_KEY` env injection).
             * @example true
             */
            startSsh: boolean;
            /**
             * @description Whether containers created from this template start JupyterLab at startup (`JUPYTER_PASSWORD` env injection).
             * @example false
             */
            startJupyter: boolean;
            /**
             * @description Acceptable CUDA versions for containers created from this template, as `major.minor`. Empty means any version. Expanded into GPU pod and serverless endpoint creates; CPU pods ignore it.
             * @example []
             */
            allowedCudaVersions: string[];
        };
        CreateTemplateRequest: components["schemas"]["ContainerConfig"] & {
            /** @example My PyTorch Template */
            name: string;
            /**
             * @description Acceptable CUDA versions for containers created from this
             *     template, as `major.minor`. Omit to accept any version — see
             *     the same field on `createPod` for matching semantics.
             *     Expanded into GPU pod and serverless endpoint creates; CPU
             *     pods ignore it.
             * @example [
             *       "12.8",
             *       "12.6"
             *     ]
             */
            allowedCudaVersions?: string[];
            /**
             * @description Optional. Defaults to `NVIDIA` when omitted.
             * @default NVIDIA
             */
            category: components["schemas"]["TemplateCategory"];
            mounts?: components["schemas"]["TemplateMounts"];
            /** @default false */
            public: boolean;
            /** @default false */
            serverless: boolean;
            /**
             * @description Start JupyterLab in containers created from this template:
             *     injects a generated `JUPYTER_PASSWORD` environment variable,
             *     unless `env` already sets one. Only images that honor the
             *     convention start Jupyter from it (RunPod official images do);
             *     expose `8888/http` in `ports` to reach it. Defaults to `true`
             *     when omitted, matching console-created templates.
             * @default true
             * @example false
             */
            startJupyter: boolean;
            /**
             * @description Provision SSH access in containers created from this template:
             *     injects a `PUBLIC_KEY` environment variable carrying the
             *     deployer's registered SSH public keys (`PUT
             *     /v2/account/ssh-keys` — with none registered the flag does
             *     nothing), unless `env` already sets one. Only images that
             *     honor the convention start sshd from it (all RunPod official
             *     images do); direct SSH also needs a `22/tcp` entry in
             *     `ports`. Defaults to `true` when omitted, matching
             *     console-created templates.
             * @default true
             * @example true
             */
            startSsh: boolean;
        };
        UpdateTemplateRequest: components["schemas"]["ContainerConfig"] & {
            /** @description Acceptable CUDA versions for pods created from this template. An explicit `[]` clears the constraint; omitting the field leaves it unchanged. */
            allowedCudaVersions?: string[];
            category?: components["schemas"]["TemplateCategory"];
            mounts?: components["schemas"]["TemplateMounts"];
            name?: string;
            public?: boolean;
            serverless?: boolean;
            /** @description Start JupyterLab at container startup (`JUPYTER_PASSWORD` env injection). See the create-time field for details. */
            startJupyter?: boolean;
            /** @description Provision SSH access at container startup (`PUBLIC_KEY` env injection). See the create-time field for details. */
            startSsh?: boolean;
        };
        ListTemplatesResponse: {
            templates: components["schemas"]["Template"][];
        };
        NetworkVolume: {
            /**
             * @description Unique network volume identifier
             * @example agv6w2qcg7
             */
            id: string;
            /**
             * @description Human-readable name (not required to be unique)
             * @example my-dataset
             */
            name: string;
            /**
             * @description Allocated storage in GB
             * @example 50
             */
            size: number;
            /**
             * @description Data center location; immutable after creation
             * @example EU-RO-1
             */
            dataCenter: string;
            /** @description Storage tier of this volume. Set at creation and immutable. */
            type: components["schemas"]["VolumeType"];
        };
        CreateNetworkVolumeRequest: {
            /**
             * @description Data center in which to create the volume
             * @example EU-RO-1
             */
            dataCenter: string;
            /**
             * @description Human-readable name
             * @example my-dataset
             */
            name: string;
            /**
             * @description Storage to allocate in GB
             * @example 50
             */
            size: number;
            /**
             * @description Storage tier for the volume. Optional. When omitted, the volume is
             *     provisioned using the requested data center's default (primary)
             *     storage tier. HIGH_PERFORMANCE provisions a high-performance (HPS)
             *     volume; STANDARD provisions a standard volume. A volume's tier is
             *     immutable after creation.
             */
            type?: components["schemas"]["VolumeType"];
        };
        /**
         * @description Only the provided fields are updated. At least one field must be
         *     present; an empty body is rejected.
         */
        UpdateNetworkVolumeRequest: {
            /**
             * @description New human-readable name
             * @example renamed-volume
             */
            name?: string;
            /**
             * @description New size in GB. Must be greater than or equal to the current size —
             *     network volume storage cannot be reduced.
             * @example 100
             */
            size?: number;
        };
        ListNetworkVolumesResponse: {
            networkVolumes: components["schemas"]["NetworkVolume"][];
        };
        Registry: {
            /** @example reg_abc */
            id: string;
            /** @example my-private-registry */
            name: string;
        };
        CreateRegistryRequest: {
            /** @example my-private-registry */
            name: string;
            /** @description Registry password (write-only, not returned in responses) */
            password: string;
            /** @description Registry username (write-only, not returned in responses) */
            username: string;
        };
        ListRegistriesResponse: {
            registries: components["schemas"]["Registry"][];
        };
        EcrDelegation: {
            /**
             * @description Delegation identifier
             * @example deleg_abc123
             */
            id: string;
            /**
             * @description Optional name for the delegation
             * @example my-delegation
             */
            name?: string | null;
            /**
             * @description User ID that created the delegation
             * @example user_xyz
             */
            delegatorUserId: string;
            /**
             * @description AWS user/role being delegated
             * @example 123456789
             */
            awsUser: string;
            /**
             * @description ECR repository name
             * @example runpod/deployment
             */
            repository: string;
            /**
             * @description ECR image tag
             * @example latest
             */
            tag: string;
            /**
             * @description AWS region
             * @example us-east-2
             */
            awsRegion: string;
            /**
             * @description Formatted ECR registry URI for Docker login
             * @example 123456789.dkr.ecr.us-east-2.amazonaws.com
             */
            dockerRegistryUri?: string;
            /**
             * Format: date-time
             * @description When the delegation was created
             * @example 2026-03-13T20:00:00Z
             */
            createdAt: string;
        };
        CreateDelegationRequest: {
            /**
             * @description ECR resource ARN
             * @example arn:aws:ecr:us-east-2:418399314813:repository/runpod/deployment
             */
            resource: string;
            /**
             * @description Optional name for the delegation
             * @example my-delegation
             */
            name?: string | null;
        };
        ListDelegationsResponse: {
            delegations: components["schemas"]["EcrDelegation"][];
        };
        /**
         * @description Canonical GPU hardware manufacturer.
         * @enum {string}
         */
        GpuManufacturer: "NVIDIA" | "AMD" | "UNKNOWN";
        GpuType: {
            /**
             * @description Individual GPU type identifier (use for pod creation)
             * @example NVIDIA GeForce RTX 4090
             */
            id: string;
            /** @example RTX 4090 */
            name: string;
            /**
             * @description Serverless GPU pool ID (use for serverless endpoint creation). Null if GPU is not in a serverless pool.
             * @example ADA_24
             */
            pool: string | null;
            manufacturer: components["schemas"]["GpuManufacturer"];
            /**
             * @description VRAM in GB
             * @example 24
             */
            memory: number;
            /**
             * @description Available on secure cloud
             * @example true
             */
            secure: boolean;
            /**
             * @description Available on community cloud
             * @example true
             */
            community: boolean;
            /**
             * @description List price in USD per hour for a **single** GPU of this type. Pod
             *     rates are quoted separately per cloud (`secure`, `community`);
             *     `serverless` is the rate for this GPU's pool. In every case the
             *     rate for a unit is the figure times `gpu.count`; the rate actually
             *     billed for a pod is reported as `cost` on the pod itself.
             */
            price: {
                /**
                 * Format: float
                 * @example 0.44
                 */
                secure: number;
                /**
                 * Format: float
                 * @example 0.31
                 */
                community: number;
                /**
                 * Format: float
                 * @description Serverless list price per GPU per hour, from the `pool` this GPU
                 *     belongs to. Multiply by `gpu.count` for the per-worker rate.
                 *     Absent when the GPU is not in a serverless pool available to the
                 *     caller. Negotiated account discounts are not reflected.
                 * @example 1.1
                 */
                serverless?: number;
            };
            /**
             * @description The largest number of GPUs you can request on a single pod of this
             *     type, quoted separately per cloud. A pod runs on one machine, so
             *     this is the GPU count of the largest machine of this type Runpod
             *     operates in that cloud.
             *
             *     This is a ceiling, not a stock level — it does not mean that many
             *     GPUs are free right now. For current availability, request
             *     `include=AVAILABILITY&product=POD` and read `availability`
             *     (overall) or `dataCenters` (per data center).
             */
            maxCount: {
                /** @example 8 */
                secure: number;
                /** @example 4 */
                community: number;
            };
            /** @description Overall GPU availability for the requested `product` contexts. Present only when requested with include=AVAILABILITY, which also requires `product`. */
            availability?: components["schemas"]["AvailabilityLevel"];
            /**
             * @description Per-datacenter GPU availability for the requested `product`
             *     contexts, listing only the datacenters that offer this GPU in the
             *     requested configuration. Present only when requested with
             *     include=AVAILABILITY, which also requires `product`, and omitted
             *     entirely when the configuration is unavailable everywhere.
             */
            dataCenters?: components["schemas"]["DataCenterAvailability"][];
            /**
             * @description CUDA versions offered by machines with this GPU type, each tagged
             *     with current capacity. Present only when requested with
             *     include=AVAILABILITY, and scoped by the same filters as
             *     `availability` (`count`, `cloud`, `product`, and whichever of
             *     `cudaVersions` / `minCudaVersion` was supplied).
             *
             *     Machines that report no CUDA version are skipped, so this property
             *     is absent entirely for a GPU type with none — AMD, for instance.
             *     Treat a missing `cudaVersions` the same as an empty one. A version
             *     absent from a populated list is not offered for this GPU type.
             */
            cudaVersions?: components["schemas"]["CudaVersionAvailability"][];
        };
        /**
         * @description Catalog stock availability level.
         * @enum {string}
         */
        AvailabilityLevel: "NONE" | "LOW" | "MEDIUM" | "HIGH";
        /**
         * @description Catalog product availability context. Availability is product-specific, so this is required whenever availability is requested.
         * @enum {string}
         */
        Product: "POD" | "CLUSTER" | "SERVERLESS";
        /**
         * @description CPU catalog product availability context. Availability is product-specific, so this is required whenever availability is requested.
         * @enum {string}
         */
        CpuProduct: "POD" | "SERVERLESS";
        /**
         * @description Catalog include expansion. Only AVAILABILITY is supported today; additional include values may be added in the future.
         * @enum {string}
         */
        CatalogInclude: "AVAILABILITY";
        /**
         * @description Data center catalog availability expansion.
         * @enum {string}
         */
        DataCenterInclude: "GPU_AVAILABILITY" | "CPU_AVAILABILITY";
        /**
         * @description GPU availability cloud filter.
         * @enum {string}
         */
        GpuCloudFilter: "SECURE" | "COMMUNITY";
        /**
         * @description Data center network volume storage type.
         * @enum {string}
         */
        VolumeType: "STANDARD" | "HIGH_PERFORMANCE";
        CatalogResourceAvailability: {
            /**
             * @description Catalog resource identifier.
             * @example NVIDIA GeForce RTX 4090
             */
            id: string;
            /**
             * @description Human-readable catalog resource name.
             * @example RTX 4090
             */
            name: string;
            availability: components["schemas"]["AvailabilityLevel"];
        };
        DataCenterAvailability: {
            /**
             * @description Data center identifier.
             * @example US-CA-2
             */
            id: string;
            /**
             * @description Human-readable data center name.
             * @example US California 2
             */
            name: string;
            availability: components["schemas"]["AvailabilityLevel"];
        };
        CudaVersionAvailability: {
            /**
             * @description CUDA version as `major.minor`, suitable for `gpu.allowedCudaVersions` on pod create.
             * @example 12.8
             */
            version: string;
            /**
             * @description True when at least one machine on this CUDA version has free capacity now. False means the version is offered for this GPU type but is currently full, so a pod constrained to it will fail on capacity.
             * @example true
             */
            available: boolean;
        };
        ListGpuTypesResponse: {
            gpus: components["schemas"]["GpuType"][];
        };
        CpuType: {
            /**
             * @description CPU flavor identifier (use in cpu.id for pod creation)
             * @example cpu5c
             */
            id: string;
            /**
             * @description Human-readable flavor name
             * @example Compute-Optimized
             */
            name: string;
            /**
             * @description CPU generation group
             * @example Gen 5
             */
            group: string;
            vcpu: {
                /** @example 2 */
                min: number;
                /** @example 32 */
                max: number;
            };
            /**
             * Format: float
             * @description GB of RAM allocated per vCPU. Multiply by the chosen vCPU
             *     count (within `vcpu.min`..`vcpu.max`) to get the total RAM
             *     for an instance of this flavor. May be fractional.
             * @example 2.5
             */
            ramGbPerVcpu: number;
            price: {
                /**
                 * Format: float
                 * @description Price for secure pods per vCPU. Multiply by the chosen vCPU
                 *     count (within `vcpu.min`..`vcpu.max`) to get the total price.
                 * @example 0.04
                 */
                securePerVcpu: number;
                /**
                 * Format: float
                 * @description Price for serverless per vCPU. Multiply by the chosen vCPU
                 *     count (within `vcpu.min`..`vcpu.max`) to get the total price.
                 * @example 0.03
                 */
                serverlessPerVcpu: number;
            };
            /** @description Overall CPU availability for the requested `product` contexts. Present only when requested with include=AVAILABILITY, which also requires `product`. */
            availability?: components["schemas"]["AvailabilityLevel"];
            /**
             * @description Per-datacenter CPU availability for the requested `product`
             *     contexts, listing only the datacenters that offer this CPU flavor.
             *     Present only when requested with include=AVAILABILITY, which also
             *     requires `product`, and omitted entirely when the flavor is
             *     unavailable everywhere.
             */
            dataCenters?: components["schemas"]["DataCenterAvailability"][];
        };
        ListCpuTypesResponse: {
            cpus: components["schemas"]["CpuType"][];
        };
        DataCenter: {
            /** @example US-TX-3 */
            id: string;
            /** @example US Texas 3 */
            name: string;
            region: components["schemas"]["DataCenterRegion"];
            /**
             * @description Whether this data center supports global networking (private cross-datacenter pod-to-pod network).
             * @example true
             */
            globalNetwork: boolean;
            /** @description Network volume tiers this DC supports. Empty = none. */
            networkVolumeTypes: components["schemas"]["VolumeType"][];
            /**
             * @description Compliance certifications held by this data center
             * @example [
             *       "GDPR",
             *       "ISO_IEC_27001",
             *       "SOC_2_TYPE_2"
             *     ]
             */
            compliance: components["schemas"]["Compliance"][];
            /**
             * @description Availability of each GPU this data center offers. Present only when
             *     requested with include=GPU_AVAILABILITY, and omitted entirely when
             *     the data center offers no GPUs.
             */
            gpuAvailability?: components["schemas"]["CatalogResourceAvailability"][];
            /**
             * @description Availability of each CPU flavor this data center offers. Present
             *     only when requested with include=CPU_AVAILABILITY, and omitted
             *     entirely when the data center offers no CPU flavors.
             */
            cpuAvailability?: components["schemas"]["CatalogResourceAvailability"][];
        };
        /**
         * @description Continental region containing the data center.
         * @example EUROPE
         * @enum {string}
         */
        DataCenterRegion: "NORTH_AMERICA" | "SOUTH_AMERICA" | "EUROPE" | "ASIA" | "MIDDLE_EAST" | "AFRICA" | "OCEANIA" | "ANTARCTICA" | "UNKNOWN";
        /**
         * @description Compliance certifications.
         * @enum {string}
         */
        Compliance: "GDPR" | "ISO_IEC_27001" | "ISO_14001" | "PCI_DSS" | "HITRUST" | "SOC_1_TYPE_2" | "SOC_2_TYPE_2" | "SOC_3_TYPE_2" | "ITAR" | "FISMA_HIGH" | "HIPAA" | "RENEWABLE";
        ListDataCentersResponse: {
            dataCenters: components["schemas"]["DataCenter"][];
        };
        /** @description Half-open time range [startTime, endTime) in RFC 3339. On a record it is the time bucket; on a query echo it is the resolved window. */
        BillingTimeRange: {
            /**
             * Format: date-time
             * @description Start of the range, inclusive (RFC 3339).
             * @example 2026-06-01T00:00:00Z
             */
            startTime: string;
            /**
             * Format: date-time
             * @description End of the range, exclusive (RFC 3339).
             * @example 2026-06-02T00:00:00Z
             */
            endTime: string;
        };
        /**
         * @description Length of each billing time bucket.
         * @default day
         * @example day
         * @enum {string}
         */
        BillingBucketSize: "hour" | "day" | "week" | "month" | "year";
        /** @description Total spend across all billable Runpod resources with each cost component broken out, fully prefixed by resource. Backs the aggregate record's amounts and the metadata totals. */
        BillingAmounts: {
            /**
             * Format: double
             * @description Total cost in USD for the bucket across all resources.
             * @example 42.34
             */
            totalAmount: number;
            /**
             * Format: double
             * @description GPU pod compute cost in USD for the bucket.
             */
            podGpuAmount: number;
            /**
             * Format: double
             * @description CPU pod compute cost in USD for the bucket.
             */
            podCpuAmount: number;
            /**
             * Format: double
             * @description Pod disk cost in USD for the bucket.
             */
            podDiskAmount: number;
            /**
             * Format: double
             * @description Serverless GPU compute cost in USD for the bucket.
             */
            serverlessGpuAmount: number;
            /**
             * Format: double
             * @description Serverless CPU compute cost in USD for the bucket.
             */
            serverlessCpuAmount: number;
            /**
             * Format: double
             * @description Serverless disk cost in USD for the bucket.
             */
            serverlessDiskAmount: number;
            /**
             * Format: double
             * @description Serverless platform fee in USD for the bucket.
             */
            serverlessFeeAmount: number;
            /**
             * Format: double
             * @description Standard network volume storage cost in USD for the bucket.
             */
            storageStandardAmount: number;
            /**
             * Format: double
             * @description High-performance network volume storage cost in USD for the bucket.
             */
            storageHighPerformanceAmount: number;
            /**
             * Format: double
             * @description Runpod public endpoint cost in USD for the bucket.
             */
            endpointAmount: number;
            /**
             * Format: double
             * @description Cluster GPU compute cost in USD for the bucket.
             */
            clusterGpuAmount: number;
            /**
             * Format: double
             * @description Cluster disk cost in USD for the bucket.
             */
            clusterDiskAmount: number;
            /**
             * Format: double
             * @description Cluster inter-node networking cost in USD for the bucket.
             */
            clusterNetworkingAmount: number;
        };
        /** @description A single time-bucketed record of total spend across all billable Runpod resources, with each cost component broken out. Returned by GET /v2/billing. */
        BillingRecord: components["schemas"]["BillingTimeRange"] & components["schemas"]["BillingAmounts"];
        /** @description Pod cost components covering both GPU and CPU pods. Backs a record's amounts and the metadata totals. */
        PodBillingAmounts: {
            /**
             * Format: double
             * @description Total pod cost in USD for the bucket.
             * @example 12.34
             */
            totalAmount: number;
            /**
             * Format: double
             * @description GPU pod compute cost in USD for the bucket.
             */
            gpuAmount: number;
            /**
             * Format: double
             * @description CPU pod compute cost in USD for the bucket.
             */
            cpuAmount: number;
            /**
             * Format: double
             * @description Pod disk cost in USD for the bucket.
             */
            diskAmount: number;
        };
        /** @description A single time-bucketed pod billing record, covering both GPU and CPU pods. Returned by GET /v2/billing/pods. */
        PodBillingRecord: components["schemas"]["BillingTimeRange"] & components["schemas"]["PodBillingAmounts"] & {
            /**
             * @description The pod this record bills. When the podId filter is set every record carries that id; otherwise one record is emitted per pod per bucket.
             * @example pod_abc123
             */
            podId: string;
        };
        /** @description Serverless cost components. Backs a record's amounts and the metadata totals. */
        ServerlessBillingAmounts: {
            /**
             * Format: double
             * @description Total serverless cost in USD for the bucket.
             * @example 8.9
             */
            totalAmount: number;
            /**
             * Format: double
             * @description Serverless GPU compute cost in USD for the bucket.
             */
            gpuAmount: number;
            /**
             * Format: double
             * @description Serverless CPU compute cost in USD for the bucket.
             */
            cpuAmount: number;
            /**
             * Format: double
             * @description Serverless disk cost in USD for the bucket.
             */
            diskAmount: number;
            /**
             * Format: double
             * @description Serverless platform fee in USD for the bucket.
             */
            feeAmount: number;
        };
        /** @description A single time-bucketed serverless billing record. Returned by GET /v2/billing/serverless. */
        ServerlessBillingRecord: components["schemas"]["BillingTimeRange"] & components["schemas"]["ServerlessBillingAmounts"] & {
            /**
             * @description The serverless endpoint this record bills. When the serverlessId filter is set every record carries that id; otherwise one record is emitted per serverless endpoint per bucket.
             * @example ep_abc123
             */
            serverlessId: string;
        };
        /** @description Runpod public endpoint cost. Backs a record's amounts and the metadata totals. */
        EndpointBillingAmounts: {
            /**
             * Format: double
             * @description Total public endpoint cost in USD for the bucket.
             * @example 3.21
             */
            totalAmount: number;
        };
        /** @description A single time-bucketed Runpod public endpoint billing record. Returned by GET /v2/billing/endpoints. */
        EndpointBillingRecord: components["schemas"]["BillingTimeRange"] & components["schemas"]["EndpointBillingAmounts"];
        /** @description Network volume storage cost, split into standard and high-performance. Backs a record's amounts and the metadata totals. */
        NetworkVolumeBillingAmounts: {
            /**
             * Format: double
             * @description Total network volume cost in USD for the bucket, across standard and high-performance storage.
             * @example 5.79
             */
            totalAmount: number;
            /**
             * Format: double
             * @description Standard storage cost in USD for the bucket.
             */
            standardAmount: number;
            /**
             * Format: double
             * @description High-performance storage cost in USD for the bucket.
             */
            highPerformanceAmount: number;
        };
        /** @description A single time-bucketed network volume billing record, split into standard and high-performance storage. Returned by GET /v2/billing/network-volumes. */
        NetworkVolumeBillingRecord: components["schemas"]["BillingTimeRange"] & components["schemas"]["NetworkVolumeBillingAmounts"] & {
            /**
             * @description The network volume this record bills. When the networkVolumeId filter is set every record carries that id; otherwise one record is emitted per network volume per bucket.
             * @example vol_abc123
             */
            networkVolumeId: string;
        };
        /** @description Cluster cost components (GPU-only, no CPU). Backs a record's amounts and the metadata totals. */
        ClusterBillingAmounts: {
            /**
             * Format: double
             * @description Total Instant Cluster cost in USD for the bucket.
             * @example 99
             */
            totalAmount: number;
            /**
             * Format: double
             * @description Cluster GPU compute cost in USD for the bucket.
             */
            gpuAmount: number;
            /**
             * Format: double
             * @description Cluster disk cost in USD for the bucket.
             */
            diskAmount: number;
            /**
             * Format: double
             * @description Cluster inter-node networking cost in USD for the bucket.
             */
            networkingAmount: number;
        };
        /** @description A single time-bucketed cluster billing record; clusters are GPU-only (no CPU component). Returned by GET /v2/billing/clusters. */
        ClusterBillingRecord: components["schemas"]["BillingTimeRange"] & components["schemas"]["ClusterBillingAmounts"] & {
            /**
             * @description The cluster this record bills. When the clusterId filter is set every record carries that id; otherwise one record is emitted per cluster per bucket.
             * @example cluster_abc123
             */
            clusterId: string;
        };
        /** @description Resolved query window and granularity (routes without a filter). */
        BillingQuery: components["schemas"]["BillingTimeRange"] & {
            bucketSize: components["schemas"]["BillingBucketSize"];
        };
        PodBillingQuery: components["schemas"]["BillingQuery"] & {
            /** @description The podId filter applied, if any. */
            podId?: string | null;
        };
        ServerlessBillingQuery: components["schemas"]["BillingQuery"] & {
            /** @description The serverlessId filter applied, if any. */
            serverlessId?: string | null;
        };
        NetworkVolumeBillingQuery: components["schemas"]["BillingQuery"] & {
            /** @description The networkVolumeId filter applied, if any. */
            networkVolumeId?: string | null;
        };
        ClusterBillingQuery: components["schemas"]["BillingQuery"] & {
            /** @description The clusterId filter applied, if any. */
            clusterId?: string | null;
        };
        BillingMetadata: {
            query: components["schemas"]["BillingQuery"];
            /** @description Number of records returned. */
            recordCount: number;
            totals: components["schemas"]["BillingAmounts"];
        };
        PodBillingMetadata: {
            query: components["schemas"]["PodBillingQuery"];
            /** @description Number of records returned (buckets times distinct pods). */
            recordCount: number;
            /** @description Number of distinct pods the records span. */
            uniquePodCount: number;
            totals: components["schemas"]["PodBillingAmounts"];
        };
        ServerlessBillingMetadata: {
            query: components["schemas"]["ServerlessBillingQuery"];
            /** @description Number of records returned (buckets times distinct endpoints). */
            recordCount: number;
            /** @description Number of distinct serverless endpoints the records span. */
            uniqueServerlessCount: number;
            totals: components["schemas"]["ServerlessBillingAmounts"];
        };
        EndpointBillingMetadata: {
            query: components["schemas"]["BillingQuery"];
            recordCount: number;
            totals: components["schemas"]["EndpointBillingAmounts"];
        };
        NetworkVolumeBillingMetadata: {
            query: components["schemas"]["NetworkVolumeBillingQuery"];
            /** @description Number of records returned (buckets times distinct volumes). */
            recordCount: number;
            /** @description Number of distinct network volumes the records span. */
            uniqueNetworkVolumeCount: number;
            totals: components["schemas"]["NetworkVolumeBillingAmounts"];
        };
        ClusterBillingMetadata: {
            query: components["schemas"]["ClusterBillingQuery"];
            /** @description Number of records returned (buckets times distinct clusters). */
            recordCount: number;
            /** @description Number of distinct clusters the records span. */
            uniqueClusterCount: number;
            totals: components["schemas"]["ClusterBillingAmounts"];
        };
        /** @description Aggregated billing records across all Runpod resources. */
        ListBillingResponse: {
            records: components["schemas"]["BillingRecord"][];
            metadata: components["schemas"]["BillingMetadata"];
        };
        /** @description Billing records for pods. */
        ListPodBillingResponse: {
            records: components["schemas"]["PodBillingRecord"][];
            metadata: components["schemas"]["PodBillingMetadata"];
        };
        /** @description Billing records for serverless. */
        ListServerlessBillingResponse: {
            records: components["schemas"]["ServerlessBillingRecord"][];
            metadata: components["schemas"]["ServerlessBillingMetadata"];
        };
        /** @description Time-bucketed Runpod public endpoint billing records plus metadata for the resolved query, record count, and total endpoint amount. */
        ListEndpointBillingResponse: {
            records: components["schemas"]["EndpointBillingRecord"][];
            metadata: components["schemas"]["EndpointBillingMetadata"];
        };
        /** @description Time-bucketed network volume billing records plus metadata for the resolved query, record count, distinct volume count, and storage totals. */
        ListNetworkVolumeBillingResponse: {
            records: components["schemas"]["NetworkVolumeBillingRecord"][];
            metadata: components["schemas"]["NetworkVolumeBillingMetadata"];
        };
        /** @description Time-bucketed Cluster billing records plus metadata for the resolved query, record count, distinct cluster count, and compute totals. */
        ListClusterBillingResponse: {
            records: components["schemas"]["ClusterBillingRecord"][];
            metadata: components["schemas"]["ClusterBillingMetadata"];
        };
        ErrorResponse: {
            /**
             * @description Short human-readable summary
             * @example Not Found
             */
            title: string;
            /**
             * @description HTTP status code
             * @example 404
             */
            status: number;
            /**
             * @description Human-readable explanation
             * @example pod not found
             */
            detail: string;
            /**
             * @description Individual request-validation failures.
             * @example [
             *       "$: additional properties 'bogus' not allowed"
             *     ]
             */
            errors?: string[];
        };
        /**
         * @description Live per-window quota state. Optional — omitted for rate-limit-exempt
         *     callers.
         *
         *     A structured-field list with one member per window (`minute`, `hour`,
         *     `day`), each carrying the remaining request count `r` and seconds until
         *     the window resets `t`. Returned on responses to authenticated requests,
         *     not only on 429s.
         * @example "minute";r=0;t=12, "hour";r=2800;t=1812, "day";r=49500;t=45012
         */
        RateLimitHeader: string;
        /**
         * @description Static per-window quota policy. Optional — omitted for rate-limit-exempt
         *     callers.
         *
         *     A structured-field list with one member per window (`minute`, `hour`,
         *     `day`), each carrying the quota `q` and the window length in seconds `w`.
         *     Returned on responses to authenticated requests, not only on 429s.
         * @example "minute";q=60;w=60, "hour";q=3000;w=3600, "day";q=50000;w=86400
         */
        RateLimitPolicyHeader: string;
    };
    responses: {
        /** @description Authentication failed because the bearer token is missing, malformed, expired, or invalid. */
        UnauthorizedError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The bearer token is valid, but it does not grant access to the requested resource or action. */
        ForbiddenError: {
            headers: {
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The request could not be processed because it is malformed or conflicts with request rules. */
        BadRequestError: {
            headers: {
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The requested resource was not found or is not accessible to the caller. */
        NotFoundError: {
            headers: {
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The request body or parameters were syntactically valid but failed validation. */
        UnprocessableEntityError: {
            headers: {
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The request method is not supported for the target path. */
        MethodNotAllowedError: {
            headers: {
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                /**
                 * @description Comma-separated methods supported by the target path.
                 * @example GET, POST
                 */
                Allow?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The caller exceeded its per-user rate limit. The response identifies the window that was exceeded and how long to wait. The `RateLimit` and `RateLimit-Policy` headers (per the IETF ratelimit-headers draft) also accompany successful responses, so clients can track quota before a 429. */
        TooManyRequestsError: {
            headers: {
                /**
                 * @description Seconds to wait before retrying, per the exceeded window.
                 * @example 12
                 */
                "Retry-After"?: number;
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ErrorResponse"];
            };
        };
    };
    parameters: {
        /**
         * @description Start of the billing period (RFC 3339). Defaults to 30 days ago. Snapped down to the start of its bucketSize bucket so the window aligns with the returned records; provide a boundary-aligned value (e.g. midnight for bucketSize=day) to avoid widening.
         * @example 2026-05-01T00:00:00Z
         */
        BillingStartTime: string;
        /**
         * @description End of the billing period (RFC 3339), exclusive. Defaults to now. Snapped up to the end of the bucketSize bucket it lands in (unless already on a boundary) so the window aligns with the returned records.
         * @example 2026-06-01T00:00:00Z
         */
        BillingEndTime: string;
        /** @description Length of each billing time bucket. Defaults to day. */
        BillingBucketSize: components["schemas"]["BillingBucketSize"];
        /**
         * @description Return the last N buckets of bucketSize, ending with the current (in-progress) bucket — e.g. lastN=100 with bucketSize=day is "last 100 days". The resolved window is aligned to bucket boundaries: startTime is the start of the earliest bucket (e.g. midnight of the earliest day) and endTime is the end of the current bucket. Mutually exclusive with startTime/endTime; provide one or the other, not both.
         * @example 30
         */
        BillingLastN: number;
        /**
         * @description Comma-separated optional expansions. Supported value today: AVAILABILITY. This may expand with more include values in the future.
         * @example [
         *       "AVAILABILITY"
         *     ]
         */
        CatalogIncludeParam: components["schemas"]["CatalogInclude"][];
        /**
         * @description Comma-separated availability product contexts. Supported values: POD, CLUSTER, SERVERLESS. Required with include=AVAILABILITY, and valid only with it (400 either way). There is no default: the same GPU type can be scarce for pods and plentiful for serverless, so the context has to be stated rather than assumed.
         * @example [
         *       "POD",
         *       "SERVERLESS"
         *     ]
         */
        GpuProductFilter: components["schemas"]["Product"][];
        /**
         * @description GPU count for availability and lowest-price calculations. Valid only with include=AVAILABILITY. Defaults to 1.
         * @example 2
         */
        GpuCountFilter: number;
        /** @description Cloud type for availability and lowest-price calculations. Valid only with include=AVAILABILITY. Supported values: SECURE, COMMUNITY. Upstream default when omitted: SECURE. */
        GpuCloudFilter: components["schemas"]["GpuCloudFilter"];
        /**
         * @description Comma-separated ISO 3166-1 alpha-2 country codes, uppercase, to constrain availability to — e.g. FR or FR,DE. Values within this filter use OR semantics. Valid only with include=AVAILABILITY (400 otherwise); a malformed entry is a 422. Scopes availability, lowest-price calculations and the dataCenters array to those countries, so a listed data center outside them is omitted rather than returned with availability NONE. On the list endpoint a GPU type with no data center in those countries drops out entirely; the single-GPU endpoint still returns the requested type, with availability NONE and dataCenters omitted, so a 404 keeps meaning the GPU type does not exist. Read the NONE on availability rather than the absence of dataCenters, which is also absent when availability was not requested.
         * @example [
         *       "FR",
         *       "DE"
         *     ]
         */
        CountryCodesFilter: string[];
        /**
         * @description Comma-separated CUDA versions to scope availability and lowest-price calculations to, matched exactly. Format: major.minor, e.g. 12.8 — a bare major is rejected here because it identifies no version. Valid only with include=AVAILABILITY (400 otherwise) and mutually exclusive with minCudaVersion (400 if both are sent); a malformed entry is a 422. Also narrows the returned cudaVersions array; omit it to enumerate every version offered.
         * @example [
         *       "12.8",
         *       "12.6"
         *     ]
         */
        CudaVersionsFilter: string[];
        /**
         * @description Lowest acceptable CUDA version to scope availability and lowest-price calculations to, compared numerically. Format: integer major or major.minor, e.g. 12 or 12.1 — unlike the `gpu.minCudaVersion` body field on pod and endpoint create, a bare major is accepted here and means any release of that major, because this filter only widens a read. Valid only with include=AVAILABILITY (400 otherwise) and mutually exclusive with cudaVersions (400 if both are sent); a malformed value is a 422. Use this for an open-ended floor and cudaVersions for an exact set.
         * @example 12.1
         */
        MinCudaVersionFilter: string;
        /** @description Comma-separated availability product contexts. Supported values for CPUs: POD, SERVERLESS. Required with include=AVAILABILITY, and valid only with it (400 either way). There is no default: availability differs by product. */
        CpuProductFilter: components["schemas"]["CpuProduct"][];
        /**
         * @description Availability vCPU count. Valid only with include=AVAILABILITY. Must be a power of two.
         * @example 4
         */
        CpuVCPUCountFilter: number;
        /** @description Log source to stream. Omit to include both container and system logs. */
        LogSourceParam: components["schemas"]["LogSource"];
        /**
         * @description Number of historical lines to backfill before streaming. Defaults to
         *     100 when omitted; set `0` to stream live with no backfill. Maximum 5000.
         *     Ignored when `since` or `Last-Event-ID` is provided — the resume cursor
         *     drives the backfill instead.
         */
        LogTail: number;
        /**
         * @description RFC3339 timestamp to resume from. Ignored when `Last-Event-ID` is
         *     provided. When set, the stream resumes from this point and `tail` is
         *     ignored.
         */
        LogSince: string;
        /**
         * @description SSE reconnect cursor — a timestamp emitted by this endpoint. Takes
         *     precedence over `since` and `tail`: when present, the stream resumes
         *     from this point. Sent automatically by EventSource on reconnect.
         */
        LogLastEventID: string;
    };
    requestBodies: never;
    headers: {
        RateLimit: components["schemas"]["RateLimitHeader"];
        "RateLimit-Policy": components["schemas"]["RateLimitPolicyHeader"];
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getSshKeys: {
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SshKeys"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateSshKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateSshKeysRequest"];
            };
        };
        responses: {
            /** @description OK — the updated key set */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SshKeys"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listPods: {
        parameters: {
            query?: {
                /**
                 * @description Include cluster member pods in the result. Defaults to false.
                 * @example false
                 */
                includeClusterPods?: boolean;
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListPodsResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createPod: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePodRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pod"];
                };
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getPod: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Pod identifier
                 * @example pod_abc123
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pod"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deletePod: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Pod identifier
                 * @example pod_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. Response has no body. */
            204: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            /** @description Pod belongs to a cluster and cannot be terminated via the pod endpoints. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updatePod: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Pod identifier
                 * @example pod_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdatePodRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pod"];
                };
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            /** @description Pod belongs to a cluster and cannot be modified via the pod endpoints. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getPodLogs: {
        parameters: {
            query?: {
                /** @description Log source to stream. Omit to include both container and system logs. */
                source?: components["parameters"]["LogSourceParam"];
                /**
                 * @description Number of historical lines to backfill before streaming. Defaults to
                 *     100 when omitted; set `0` to stream live with no backfill. Maximum 5000.
                 *     Ignored when `since` or `Last-Event-ID` is provided — the resume cursor
                 *     drives the backfill instead.
                 */
                tail?: components["parameters"]["LogTail"];
                /**
                 * @description RFC3339 timestamp to resume from. Ignored when `Last-Event-ID` is
                 *     provided. When set, the stream resumes from this point and `tail` is
                 *     ignored.
                 */
                since?: components["parameters"]["LogSince"];
            };
            header?: {
                /**
                 * @description SSE reconnect cursor — a timestamp emitted by this endpoint. Takes
                 *     precedence over `since` and `tail`: when present, the stream resumes
                 *     from this point. Sent automatically by EventSource on reconnect.
                 */
                "Last-Event-ID"?: components["parameters"]["LogLastEventID"];
            };
            path: {
                /**
                 * @description Pod identifier
                 * @example pod_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Pod log event stream */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    /** @description Always `no-cache` for SSE responses. */
                    "Cache-Control"?: string;
                    /** @description Always `keep-alive` to hold the SSE stream open. */
                    Connection?: string;
                    /** @description Always `no` to disable proxy buffering of the SSE stream. */
                    "X-Accel-Buffering"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    podAction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example pod_abc123 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PodActionRequest"];
            };
        };
        responses: {
            /** @description Action applied — returns updated pod */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pod"];
                };
            };
            /** @description Only returned when `action=terminate`; response has no body. */
            204: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            /** @description Action not valid for current pod status */
            409: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listClusters: {
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
                    "application/json": components["schemas"]["ListClustersResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createCluster: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateClusterRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Cluster identifier
                 * @example cluster_abc123
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
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            /** @description Cluster not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Cluster identifier
                 * @example cluster_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            /** @description Cluster not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Cluster identifier
                 * @example cluster_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateClusterRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            /** @description Cluster not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listClusterPods: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Cluster identifier
                 * @example cluster_abc123
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
                    "application/json": components["schemas"]["ListPodsResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            /** @description Cluster not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listEndpoints: {
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListEndpointsResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateEndpointRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Endpoint"];
                };
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Serverless endpoint identifier
                 * @example ep_abc123
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Endpoint"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Serverless endpoint identifier
                 * @example ep_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. Response has no body. */
            204: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Serverless endpoint identifier
                 * @example ep_abc123
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateEndpointRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Endpoint"];
                };
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listEndpointWorkers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Serverless endpoint identifier
                 * @example ep_abc123
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListEndpointWorkersResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listEndpointReleases: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Serverless endpoint identifier
                 * @example ep_abc123
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListEndpointReleasesResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getWorkerLogs: {
        parameters: {
            query?: {
                /** @description Log source to stream. Omit to include both container and system logs. */
                source?: components["parameters"]["LogSourceParam"];
                /**
                 * @description Number of historical lines to backfill before streaming. Defaults to
                 *     100 when omitted; set `0` to stream live with no backfill. Maximum 5000.
                 *     Ignored when `since` or `Last-Event-ID` is provided — the resume cursor
                 *     drives the backfill instead.
                 */
                tail?: components["parameters"]["LogTail"];
                /**
                 * @description RFC3339 timestamp to resume from. Ignored when `Last-Event-ID` is
                 *     provided. When set, the stream resumes from this point and `tail` is
                 *     ignored.
                 */
                since?: components["parameters"]["LogSince"];
            };
            header?: {
                /**
                 * @description SSE reconnect cursor — a timestamp emitted by this endpoint. Takes
                 *     precedence over `since` and `tail`: when present, the stream resumes
                 *     from this point. Sent automatically by EventSource on reconnect.
                 */
                "Last-Event-ID"?: components["parameters"]["LogLastEventID"];
            };
            path: {
                /**
                 * @description Serverless endpoint identifier
                 * @example ep_abc123
                 */
                id: string;
                /**
                 * @description Worker identifier (from GET /v2/serverless/{id}/workers)
                 * @example worker_abc
                 */
                workerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Worker log event stream */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    /** @description Always `no-cache` for SSE responses. */
                    "Cache-Control"?: string;
                    /** @description Always `keep-alive` to hold the SSE stream open. */
                    Connection?: string;
                    /** @description Always `no` to disable proxy buffering of the SSE stream. */
                    "X-Accel-Buffering"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listTemplates: {
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListTemplatesResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTemplateRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example tpl_abc */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example tpl_abc */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. Response has no body. */
            204: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Template is in use by a pod or serverless endpoint and cannot be deleted */
            400: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example tpl_abc */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTemplateRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listNetworkVolumes: {
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListNetworkVolumesResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createNetworkVolume: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateNetworkVolumeRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NetworkVolume"];
                };
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getNetworkVolume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Network volume identifier
                 * @example agv6w2qcg7
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NetworkVolume"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteNetworkVolume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Network volume identifier
                 * @example agv6w2qcg7
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. Response has no body. */
            204: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateNetworkVolume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Network volume identifier
                 * @example agv6w2qcg7
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateNetworkVolumeRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NetworkVolume"];
                };
            };
            /** @description Invalid request body or size decrease attempted */
            400: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listRegistries: {
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListRegistriesResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createRegistry: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRegistryRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Registry"];
                };
            };
            400: components["responses"]["BadRequestError"];
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            422: components["responses"]["UnprocessableEntityError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getRegistry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example reg_abc */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Registry"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteRegistry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example reg_abc */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. Response has no body. */
            204: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Registry credential is in use by a pod and cannot be deleted */
            400: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listDelegations: {
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListDelegationsResponse"];
                };
            };
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createDelegation: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDelegationRequest"];
            };
        };
        responses: {
            /** @description Delegation created */
            201: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EcrDelegation"];
                };
            };
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    revokeDelegation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example deleg_abc */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delegation revoked */
            204: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Delegation not found */
            404: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listGpuTypes: {
        parameters: {
            query?: {
                /**
                 * @description Comma-separated optional expansions. Supported value today: AVAILABILITY. This may expand with more include values in the future.
                 * @example [
                 *       "AVAILABILITY"
                 *     ]
                 */
                include?: components["parameters"]["CatalogIncludeParam"];
                /**
                 * @description Comma-separated availability product contexts. Supported values: POD, CLUSTER, SERVERLESS. Required with include=AVAILABILITY, and valid only with it (400 either way). There is no default: the same GPU type can be scarce for pods and plentiful for serverless, so the context has to be stated rather than assumed.
                 * @example [
                 *       "POD",
                 *       "SERVERLESS"
                 *     ]
                 */
                product?: components["parameters"]["GpuProductFilter"];
                /**
                 * @description GPU count for availability and lowest-price calculations. Valid only with include=AVAILABILITY. Defaults to 1.
                 * @example 2
                 */
                count?: components["parameters"]["GpuCountFilter"];
                /** @description Cloud type for availability and lowest-price calculations. Valid only with include=AVAILABILITY. Supported values: SECURE, COMMUNITY. Upstream default when omitted: SECURE. */
                cloud?: components["parameters"]["GpuCloudFilter"];
                /**
                 * @description Comma-separated ISO 3166-1 alpha-2 country codes, uppercase, to constrain availability to — e.g. FR or FR,DE. Values within this filter use OR semantics. Valid only with include=AVAILABILITY (400 otherwise); a malformed entry is a 422. Scopes availability, lowest-price calculations and the dataCenters array to those countries, so a listed data center outside them is omitted rather than returned with availability NONE. On the list endpoint a GPU type with no data center in those countries drops out entirely; the single-GPU endpoint still returns the requested type, with availability NONE and dataCenters omitted, so a 404 keeps meaning the GPU type does not exist. Read the NONE on availability rather than the absence of dataCenters, which is also absent when availability was not requested.
                 * @example [
                 *       "FR",
                 *       "DE"
                 *     ]
                 */
                countryCodes?: components["parameters"]["CountryCodesFilter"];
                /**
                 * @description Comma-separated CUDA versions to scope availability and lowest-price calculations to, matched exactly. Format: major.minor, e.g. 12.8 — a bare major is rejected here because it identifies no version. Valid only with include=AVAILABILITY (400 otherwise) and mutually exclusive with minCudaVersion (400 if both are sent); a malformed entry is a 422. Also narrows the returned cudaVersions array; omit it to enumerate every version offered.
                 * @example [
                 *       "12.8",
                 *       "12.6"
                 *     ]
                 */
                cudaVersions?: components["parameters"]["CudaVersionsFilter"];
                /**
                 * @description Lowest acceptable CUDA version to scope availability and lowest-price calculations to, compared numerically. Format: integer major or major.minor, e.g. 12 or 12.1 — unlike the `gpu.minCudaVersion` body field on pod and endpoint create, a bare major is accepted here and means any release of that major, because this filter only widens a read. Valid only with include=AVAILABILITY (400 otherwise) and mutually exclusive with cudaVersions (400 if both are sent); a malformed value is a 422. Use this for an open-ended floor and cudaVersions for an exact set.
                 * @example 12.1
                 */
                minCudaVersion?: components["parameters"]["MinCudaVersionFilter"];
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListGpuTypesResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getGpuType: {
        parameters: {
            query?: {
                /**
                 * @description Comma-separated optional expansions. Supported value today: AVAILABILITY. This may expand with more include values in the future.
                 * @example [
                 *       "AVAILABILITY"
                 *     ]
                 */
                include?: components["parameters"]["CatalogIncludeParam"];
                /**
                 * @description Comma-separated availability product contexts. Supported values: POD, CLUSTER, SERVERLESS. Required with include=AVAILABILITY, and valid only with it (400 either way). There is no default: the same GPU type can be scarce for pods and plentiful for serverless, so the context has to be stated rather than assumed.
                 * @example [
                 *       "POD",
                 *       "SERVERLESS"
                 *     ]
                 */
                product?: components["parameters"]["GpuProductFilter"];
                /**
                 * @description GPU count for availability and lowest-price calculations. Valid only with include=AVAILABILITY. Defaults to 1.
                 * @example 2
                 */
                count?: components["parameters"]["GpuCountFilter"];
                /** @description Cloud type for availability and lowest-price calculations. Valid only with include=AVAILABILITY. Supported values: SECURE, COMMUNITY. Upstream default when omitted: SECURE. */
                cloud?: components["parameters"]["GpuCloudFilter"];
                /**
                 * @description Comma-separated ISO 3166-1 alpha-2 country codes, uppercase, to constrain availability to — e.g. FR or FR,DE. Values within this filter use OR semantics. Valid only with include=AVAILABILITY (400 otherwise); a malformed entry is a 422. Scopes availability, lowest-price calculations and the dataCenters array to those countries, so a listed data center outside them is omitted rather than returned with availability NONE. On the list endpoint a GPU type with no data center in those countries drops out entirely; the single-GPU endpoint still returns the requested type, with availability NONE and dataCenters omitted, so a 404 keeps meaning the GPU type does not exist. Read the NONE on availability rather than the absence of dataCenters, which is also absent when availability was not requested.
                 * @example [
                 *       "FR",
                 *       "DE"
                 *     ]
                 */
                countryCodes?: components["parameters"]["CountryCodesFilter"];
                /**
                 * @description Comma-separated CUDA versions to scope availability and lowest-price calculations to, matched exactly. Format: major.minor, e.g. 12.8 — a bare major is rejected here because it identifies no version. Valid only with include=AVAILABILITY (400 otherwise) and mutually exclusive with minCudaVersion (400 if both are sent); a malformed entry is a 422. Also narrows the returned cudaVersions array; omit it to enumerate every version offered.
                 * @example [
                 *       "12.8",
                 *       "12.6"
                 *     ]
                 */
                cudaVersions?: components["parameters"]["CudaVersionsFilter"];
                /**
                 * @description Lowest acceptable CUDA version to scope availability and lowest-price calculations to, compared numerically. Format: integer major or major.minor, e.g. 12 or 12.1 — unlike the `gpu.minCudaVersion` body field on pod and endpoint create, a bare major is accepted here and means any release of that major, because this filter only widens a read. Valid only with include=AVAILABILITY (400 otherwise) and mutually exclusive with cudaVersions (400 if both are sent); a malformed value is a 422. Use this for an open-ended floor and cudaVersions for an exact set.
                 * @example 12.1
                 */
                minCudaVersion?: components["parameters"]["MinCudaVersionFilter"];
            };
            header?: never;
            path: {
                /** @example NVIDIA GeForce RTX 4090 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GpuType"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listCpuTypes: {
        parameters: {
            query?: {
                /**
                 * @description Comma-separated optional expansions. Supported value today: AVAILABILITY. This may expand with more include values in the future.
                 * @example [
                 *       "AVAILABILITY"
                 *     ]
                 */
                include?: components["parameters"]["CatalogIncludeParam"];
                /** @description Comma-separated availability product contexts. Supported values for CPUs: POD, SERVERLESS. Required with include=AVAILABILITY, and valid only with it (400 either way). There is no default: availability differs by product. */
                product?: components["parameters"]["CpuProductFilter"];
                /**
                 * @description Availability vCPU count. Valid only with include=AVAILABILITY. Must be a power of two.
                 * @example 4
                 */
                vcpuCount?: components["parameters"]["CpuVCPUCountFilter"];
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListCpuTypesResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getCpuType: {
        parameters: {
            query?: {
                /**
                 * @description Comma-separated optional expansions. Supported value today: AVAILABILITY. This may expand with more include values in the future.
                 * @example [
                 *       "AVAILABILITY"
                 *     ]
                 */
                include?: components["parameters"]["CatalogIncludeParam"];
                /** @description Comma-separated availability product contexts. Supported values for CPUs: POD, SERVERLESS. Required with include=AVAILABILITY, and valid only with it (400 either way). There is no default: availability differs by product. */
                product?: components["parameters"]["CpuProductFilter"];
                /**
                 * @description Availability vCPU count. Valid only with include=AVAILABILITY. Must be a power of two.
                 * @example 4
                 */
                vcpuCount?: components["parameters"]["CpuVCPUCountFilter"];
            };
            header?: never;
            path: {
                /** @example cpu5c */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CpuType"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listDataCenters: {
        parameters: {
            query?: {
                /** @description Comma-separated optional expansions. Supported value: GPU_AVAILABILITY, CPU_AVAILABILITY. */
                include?: components["schemas"]["DataCenterInclude"][];
                /** @description Comma-separated DataCenterRegion enum values. Values within this filter use OR semantics. Different filter families combine with AND. */
                regions?: components["schemas"]["DataCenterRegion"][];
                /** @description Comma-separated volume types. Supported values: STANDARD, HIGH_PERFORMANCE. Values within this filter use AND semantics; volumes=STANDARD,HIGH_PERFORMANCE requires both storage types. Different filter families combine with AND. */
                networkVolumeTypes?: components["schemas"]["VolumeType"][];
                /** @description Comma-separated Compliance enum values. Values within this filter use AND semantics; compliance=GDPR,SOC_2_TYPE_2 requires both certifications. Different filter families combine with AND. */
                compliance?: components["schemas"]["Compliance"][];
                /**
                 * @description Filter by global networking support. true returns only data centers that support global networking; false only those that do not. Different filter families combine with AND.
                 * @example true
                 */
                globalNetwork?: boolean;
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListDataCentersResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getDataCenter: {
        parameters: {
            query?: {
                /** @description Comma-separated optional expansions. Supported value: GPU_AVAILABILITY, CPU_AVAILABILITY. */
                include?: components["schemas"]["DataCenterInclude"][];
            };
            header?: never;
            path: {
                /** @example US-CA-2 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DataCenter"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            404: components["responses"]["NotFoundError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listPublicTemplates: {
        parameters: {
            query?: {
                /**
                 * @description Which slice of the catalog to return: `official` for
                 *     Runpod-curated templates (default), `verified` for
                 *     Runpod-verified community templates, or `community` for all other
                 *     publicly shared templates.
                 * @example official
                 */
                source?: "official" | "verified" | "community";
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListTemplatesResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listBilling: {
        parameters: {
            query?: {
                /**
                 * @description Start of the billing period (RFC 3339). Defaults to 30 days ago. Snapped down to the start of its bucketSize bucket so the window aligns with the returned records; provide a boundary-aligned value (e.g. midnight for bucketSize=day) to avoid widening.
                 * @example 2026-05-01T00:00:00Z
                 */
                startTime?: components["parameters"]["BillingStartTime"];
                /**
                 * @description End of the billing period (RFC 3339), exclusive. Defaults to now. Snapped up to the end of the bucketSize bucket it lands in (unless already on a boundary) so the window aligns with the returned records.
                 * @example 2026-06-01T00:00:00Z
                 */
                endTime?: components["parameters"]["BillingEndTime"];
                /** @description Length of each billing time bucket. Defaults to day. */
                bucketSize?: components["parameters"]["BillingBucketSize"];
                /**
                 * @description Return the last N buckets of bucketSize, ending with the current (in-progress) bucket — e.g. lastN=100 with bucketSize=day is "last 100 days". The resolved window is aligned to bucket boundaries: startTime is the start of the earliest bucket (e.g. midnight of the earliest day) and endTime is the end of the current bucket. Mutually exclusive with startTime/endTime; provide one or the other, not both.
                 * @example 30
                 */
                lastN?: components["parameters"]["BillingLastN"];
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListBillingResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listPodBilling: {
        parameters: {
            query?: {
                /**
                 * @description Start of the billing period (RFC 3339). Defaults to 30 days ago. Snapped down to the start of its bucketSize bucket so the window aligns with the returned records; provide a boundary-aligned value (e.g. midnight for bucketSize=day) to avoid widening.
                 * @example 2026-05-01T00:00:00Z
                 */
                startTime?: components["parameters"]["BillingStartTime"];
                /**
                 * @description End of the billing period (RFC 3339), exclusive. Defaults to now. Snapped up to the end of the bucketSize bucket it lands in (unless already on a boundary) so the window aligns with the returned records.
                 * @example 2026-06-01T00:00:00Z
                 */
                endTime?: components["parameters"]["BillingEndTime"];
                /** @description Length of each billing time bucket. Defaults to day. */
                bucketSize?: components["parameters"]["BillingBucketSize"];
                /**
                 * @description Return the last N buckets of bucketSize, ending with the current (in-progress) bucket — e.g. lastN=100 with bucketSize=day is "last 100 days". The resolved window is aligned to bucket boundaries: startTime is the start of the earliest bucket (e.g. midnight of the earliest day) and endTime is the end of the current bucket. Mutually exclusive with startTime/endTime; provide one or the other, not both.
                 * @example 30
                 */
                lastN?: components["parameters"]["BillingLastN"];
                /**
                 * @description Filter to a specific pod (GPU or CPU).
                 * @example pod_abc123
                 */
                podId?: string;
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListPodBillingResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listServerlessBilling: {
        parameters: {
            query?: {
                /**
                 * @description Start of the billing period (RFC 3339). Defaults to 30 days ago. Snapped down to the start of its bucketSize bucket so the window aligns with the returned records; provide a boundary-aligned value (e.g. midnight for bucketSize=day) to avoid widening.
                 * @example 2026-05-01T00:00:00Z
                 */
                startTime?: components["parameters"]["BillingStartTime"];
                /**
                 * @description End of the billing period (RFC 3339), exclusive. Defaults to now. Snapped up to the end of the bucketSize bucket it lands in (unless already on a boundary) so the window aligns with the returned records.
                 * @example 2026-06-01T00:00:00Z
                 */
                endTime?: components["parameters"]["BillingEndTime"];
                /** @description Length of each billing time bucket. Defaults to day. */
                bucketSize?: components["parameters"]["BillingBucketSize"];
                /**
                 * @description Return the last N buckets of bucketSize, ending with the current (in-progress) bucket — e.g. lastN=100 with bucketSize=day is "last 100 days". The resolved window is aligned to bucket boundaries: startTime is the start of the earliest bucket (e.g. midnight of the earliest day) and endTime is the end of the current bucket. Mutually exclusive with startTime/endTime; provide one or the other, not both.
                 * @example 30
                 */
                lastN?: components["parameters"]["BillingLastN"];
                /**
                 * @description Filter to a specific serverless endpoint.
                 * @example jpnw0v75y3qoql
                 */
                serverlessId?: string;
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListServerlessBillingResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listEndpointBilling: {
        parameters: {
            query?: {
                /**
                 * @description Start of the billing period (RFC 3339). Defaults to 30 days ago. Snapped down to the start of its bucketSize bucket so the window aligns with the returned records; provide a boundary-aligned value (e.g. midnight for bucketSize=day) to avoid widening.
                 * @example 2026-05-01T00:00:00Z
                 */
                startTime?: components["parameters"]["BillingStartTime"];
                /**
                 * @description End of the billing period (RFC 3339), exclusive. Defaults to now. Snapped up to the end of the bucketSize bucket it lands in (unless already on a boundary) so the window aligns with the returned records.
                 * @example 2026-06-01T00:00:00Z
                 */
                endTime?: components["parameters"]["BillingEndTime"];
                /** @description Length of each billing time bucket. Defaults to day. */
                bucketSize?: components["parameters"]["BillingBucketSize"];
                /**
                 * @description Return the last N buckets of bucketSize, ending with the current (in-progress) bucket — e.g. lastN=100 with bucketSize=day is "last 100 days". The resolved window is aligned to bucket boundaries: startTime is the start of the earliest bucket (e.g. midnight of the earliest day) and endTime is the end of the current bucket. Mutually exclusive with startTime/endTime; provide one or the other, not both.
                 * @example 30
                 */
                lastN?: components["parameters"]["BillingLastN"];
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListEndpointBillingResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listNetworkVolumeBilling: {
        parameters: {
            query?: {
                /**
                 * @description Start of the billing period (RFC 3339). Defaults to 30 days ago. Snapped down to the start of its bucketSize bucket so the window aligns with the returned records; provide a boundary-aligned value (e.g. midnight for bucketSize=day) to avoid widening.
                 * @example 2026-05-01T00:00:00Z
                 */
                startTime?: components["parameters"]["BillingStartTime"];
                /**
                 * @description End of the billing period (RFC 3339), exclusive. Defaults to now. Snapped up to the end of the bucketSize bucket it lands in (unless already on a boundary) so the window aligns with the returned records.
                 * @example 2026-06-01T00:00:00Z
                 */
                endTime?: components["parameters"]["BillingEndTime"];
                /** @description Length of each billing time bucket. Defaults to day. */
                bucketSize?: components["parameters"]["BillingBucketSize"];
                /**
                 * @description Return the last N buckets of bucketSize, ending with the current (in-progress) bucket — e.g. lastN=100 with bucketSize=day is "last 100 days". The resolved window is aligned to bucket boundaries: startTime is the start of the earliest bucket (e.g. midnight of the earliest day) and endTime is the end of the current bucket. Mutually exclusive with startTime/endTime; provide one or the other, not both.
                 * @example 30
                 */
                lastN?: components["parameters"]["BillingLastN"];
                /**
                 * @description Filter to a specific network volume.
                 * @example vol_abc123
                 */
                networkVolumeId?: string;
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListNetworkVolumeBillingResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listClusterBilling: {
        parameters: {
            query?: {
                /**
                 * @description Start of the billing period (RFC 3339). Defaults to 30 days ago. Snapped down to the start of its bucketSize bucket so the window aligns with the returned records; provide a boundary-aligned value (e.g. midnight for bucketSize=day) to avoid widening.
                 * @example 2026-05-01T00:00:00Z
                 */
                startTime?: components["parameters"]["BillingStartTime"];
                /**
                 * @description End of the billing period (RFC 3339), exclusive. Defaults to now. Snapped up to the end of the bucketSize bucket it lands in (unless already on a boundary) so the window aligns with the returned records.
                 * @example 2026-06-01T00:00:00Z
                 */
                endTime?: components["parameters"]["BillingEndTime"];
                /** @description Length of each billing time bucket. Defaults to day. */
                bucketSize?: components["parameters"]["BillingBucketSize"];
                /**
                 * @description Return the last N buckets of bucketSize, ending with the current (in-progress) bucket — e.g. lastN=100 with bucketSize=day is "last 100 days". The resolved window is aligned to bucket boundaries: startTime is the start of the earliest bucket (e.g. midnight of the earliest day) and endTime is the end of the current bucket. Mutually exclusive with startTime/endTime; provide one or the other, not both.
                 * @example 30
                 */
                lastN?: components["parameters"]["BillingLastN"];
                /**
                 * @description Filter to a specific cluster.
                 * @example cluster_abc123
                 */
                clusterId?: string;
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
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListClusterBillingResponse"];
                };
            };
            401: components["responses"]["UnauthorizedError"];
            403: components["responses"]["ForbiddenError"];
            429: components["responses"]["TooManyRequestsError"];
            /** @description Error */
            default: {
                headers: {
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
type WithRequired<T, K extends keyof T> = T & {
    [P in K]-?: T[P];
};
