/**
 * Generated from the API's /openapi.json by openapi-typescript (npm run client:generate).
 * Do not edit: change commands/http/openapi.ts (or openapiSchemas.ts) and regenerate.
 */

export interface paths {
    "/t/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tracking link (signed): click -> 302, open -> 1x1 GIF, unsubscribe -> confirmation page */
        get: operations["followTrackingLink"];
        put?: never;
        /** RFC 8058 one-click unsubscribe (List-Unsubscribe-Post) */
        post: operations["unsubscribeOneClick"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Counts by status and channel, open and click rates */
        get: operations["getAnalyticsSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The calling app's notifications, newest first (read model: follows the log); items carry userId */
        get: operations["listNotifications"];
        put?: never;
        /** Request a notification: fans out to user x channel; same eventId again answers the same ids */
        post: operations["requestNotifications"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A notification: status, attempts and timeline */
        get: operations["getNotification"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The raw event stream (auditors) */
        get: operations["getNotificationEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ops/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Queue depth, lag, channel state and raised alerts, as JSON (the console reads it; Prometheus reads /metrics on OPS_PORT) */
        get: operations["getOpsStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/templates/{templateId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a template: latest version, or ?version=n (extension) */
        get: operations["getTemplate"];
        /** Publish a template version (Liquid); same content again keeps the version */
        put: operations["publishTemplate"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a user: contact, devices and preferences (extension) */
        get: operations["getUser"];
        /** Create or update a user (idempotent); null clears a field */
        put: operations["upsertUser"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Register a push device (APNs: 64 hex; FCM: 100-4096 of [A-Za-z0-9_:-]) */
        post: operations["registerDevice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}/devices/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a push device */
        delete: operations["removeDevice"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The user's notifications from the calling app, newest first (read model: follows the log); none is an empty list */
        get: operations["listUserNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}/preferences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read preferences */
        get: operations["getPreferences"];
        /** Replace preferences (channel and category opt-outs; quietHours is an extension) */
        put: operations["setPreferences"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/sendgrid": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** SendGrid signed event webhook */
        post: operations["sendgridWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/twilio": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Twilio status callback (X-Twilio-Signature) */
        post: operations["twilioWebhook"];
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
        DeviceRegistered: {
            /** @enum {unknown} */
            platform: "ios" | "android";
            userId: string;
        };
        /**
         * @example {
         *       "error": "invalid_request",
         *       "message": "email: Invalid email address",
         *       "field": "email",
         *       "requestId": "0b1c6f0e-4d3a-4a57-9f57-2b0b8f7f8f11"
         *     }
         */
        Error: {
            /** @description a stable machine code: invalid_request, unauthorized, notification_not_found, rate_limited... */
            error: string;
            /** @description on 400: the offending field, dotted ("userIds.3", "email.subject", "query.limit") */
            field?: string;
            message: string;
            requestId: string;
        };
        /**
         * @example {
         *       "id": "3f0c2a57-8d0e-5b1e-9a4c-2f9d6c1b7e10",
         *       "userId": "ada",
         *       "channel": "email",
         *       "status": "sent",
         *       "attempts": 1,
         *       "timeline": [
         *         {
         *           "type": "NotificationRequested",
         *           "at": "2025-01-01T10:00:00.000Z"
         *         },
         *         {
         *           "type": "NotificationSent",
         *           "at": "2025-01-01T10:00:00.120Z"
         *         }
         *       ],
         *       "eventId": "order-42-shipped",
         *       "templateId": "shipped",
         *       "templateVersion": 1,
         *       "opened": false,
         *       "clicked": false
         *     }
         */
        Notification: {
            /** @description provider attempts so far */
            attempts: number;
            category?: string;
            /** @enum {unknown} */
            channel: "ios" | "android" | "sms" | "email";
            clicked: boolean;
            /** @description why the send was deferred (quiet hours) */
            deferredBy?: string;
            eventId: string;
            id: string;
            opened: boolean;
            /** @description the suppression or final failure reason */
            reason?: string;
            /** Format: date-time */
            scheduleAt?: string;
            /** @enum {unknown} */
            status: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed";
            templateId: string;
            templateVersion?: number;
            timeline: {
                /** Format: date-time */
                at: string;
                type: string;
            }[];
            userId: string;
        };
        NotificationEvents: {
            events: {
                data: {
                    [key: string]: unknown;
                };
                id: string;
                metadata: {
                    [key: string]: unknown;
                };
                position: number;
                /** Format: date-time */
                recordedAt: string;
                revision: number;
                type: string;
            }[];
            id: string;
        };
        /**
         * @example {
         *       "notifications": [
         *         {
         *           "id": "3f0c2a57-8d0e-5b1e-9a4c-2f9d6c1b7e10",
         *           "userId": "ada",
         *           "channel": "email",
         *           "status": "pending"
         *         }
         *       ]
         *     }
         */
        NotificationsAccepted: {
            notifications: {
                /** @enum {unknown} */
                channel: "ios" | "android" | "sms" | "email";
                id: string;
                /** @enum {unknown} */
                status: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed";
                userId: string;
            }[];
        };
        /**
         * @example {
         *       "items": [
         *         {
         *           "id": "3f0c2a57-8d0e-5b1e-9a4c-2f9d6c1b7e10",
         *           "eventId": "order-42-shipped",
         *           "channel": "email",
         *           "status": "sent",
         *           "templateId": "shipped",
         *           "requestedAt": "2025-01-01T10:00:00.000Z"
         *         }
         *       ],
         *       "nextCursor": null
         *     }
         */
        NotificationsPage: {
            items: {
                /** @enum {unknown} */
                channel: "ios" | "android" | "sms" | "email";
                eventId: string;
                id: string;
                /** Format: date-time */
                requestedAt: string;
                /** @enum {unknown} */
                status: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed";
                templateId: string;
                /** @description on the app-wide list (GET /v1/notifications) only */
                userId?: string;
            }[];
            /** @description pass as `cursor` for the next page; null on the last one */
            nextCursor: string | null;
        };
        /** @description This API process's view of the platform (queue depth and lag are sampled by the monitors role: with it in another process they are empty here) */
        OpsStatus: {
            alerts: {
                detail?: {
                    [key: string]: unknown;
                };
                kind: string;
                /** Format: date-time */
                since: string;
                subject: string;
            }[];
            /** Format: date-time */
            at: string;
            channels: {
                /** @enum {unknown} */
                channel: "ios" | "android" | "sms" | "email";
                failed: number;
                parked: number;
                sent: number;
                /**
                 * @description failing while a channel_failing or channel_failure_rate alert is raised for it
                 * @enum {unknown}
                 */
                state: "ok" | "failing";
            }[];
            lag: {
                dispatcher?: number;
                projections: {
                    [key: string]: number;
                };
            };
            queues: {
                queue: string;
                ready: number;
                unacked?: number;
            }[];
        };
        /**
         * @example {
         *       "channels": {
         *         "sms": false
         *       },
         *       "categories": {
         *         "marketing": {
         *           "email": false
         *         }
         *       }
         *     }
         */
        Preferences: {
            categories: {
                [key: string]: {
                    email?: boolean;
                    push?: boolean;
                    sms?: boolean;
                };
            };
            channels: {
                email?: boolean;
                push?: boolean;
                sms?: boolean;
            };
            quietHours?: {
                end: string;
                start: string;
            } | null;
        };
        Template: {
            content: {
                email?: {
                    html: string;
                    subject: string;
                    text?: string;
                };
                push?: {
                    body: string;
                    title: string;
                };
                sms?: {
                    text: string;
                };
            };
            /** Format: date-time */
            publishedAt: string;
            requiredParams: string[];
            templateId: string;
            version: number;
        };
        /**
         * @example {
         *       "templateId": "welcome",
         *       "version": 2,
         *       "requiredParams": [
         *         "name"
         *       ]
         *     }
         */
        TemplateVersion: {
            requiredParams: string[];
            templateId: string;
            version: number;
        };
        User: {
            devices: {
                /** @enum {unknown} */
                platform: "ios" | "android";
                token: string;
            }[];
            /** Format: email */
            email?: string;
            locale?: string;
            /** @description E.164 */
            phone?: string;
            preferences: components["schemas"]["Preferences"];
            timezone?: string;
            userId: string;
        };
        /**
         * @example {
         *       "userId": "ada",
         *       "email": "ada@example.com",
         *       "phone": "+14155550123",
         *       "locale": "en-GB",
         *       "timezone": "Europe/London",
         *       "devices": 1
         *     }
         */
        UserSummary: {
            /** @description registered push devices */
            devices: number;
            /** Format: email */
            email?: string;
            locale?: string;
            /** @description E.164 */
            phone?: string;
            timezone?: string;
            userId: string;
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
    followTrackingLink: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description pixel or page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/gif": string;
                    "text/html": string;
                };
            };
            /** @description to the signed URL */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description unknown or tampered token */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    unsubscribeOneClick: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description unsubscribed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description unknown or tampered token */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAnalyticsSummary: {
        parameters: {
            query?: {
                channel?: "ios" | "android" | "sms" | "email";
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the summary */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listNotifications: {
        parameters: {
            query?: {
                channel?: "ios" | "android" | "sms" | "email";
                /** @description opaque: a previous page's nextCursor */
                cursor?: string;
                limit?: number;
                status?: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description one page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationsPage"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description started without the projection store */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    requestNotifications: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "eventId": "order-42-shipped",
                 *       "userId": "ada",
                 *       "templateId": "shipped",
                 *       "params": {
                 *         "name": "Ada"
                 *       },
                 *       "channels": [
                 *         "email",
                 *         "push"
                 *       ]
                 *     }
                 */
                "application/json": {
                    category?: string;
                    channels?: ("push" | "sms" | "email")[];
                    eventId: string;
                    params?: {
                        [key: string]: unknown;
                    };
                    /** Format: date-time */
                    scheduleAt?: string;
                    templateId: string;
                    userId?: string;
                    userIds?: string[];
                };
            };
        };
        responses: {
            /** @description one entry per user x channel */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationsAccepted"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description template not found for this app */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getNotification: {
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
            /** @description the notification */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unknown id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getNotificationEvents: {
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
            /** @description events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationEvents"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unknown id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOpsStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpsStatus"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description this process has no monitoring */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTemplate: {
        parameters: {
            query?: {
                version?: number;
            };
            header?: never;
            path: {
                templateId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unknown template or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    publishTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                templateId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": {
                 *         "subject": "Hello {{ name }}",
                 *         "html": "<p>Welcome, {{ name }}!</p>"
                 *       },
                 *       "sms": {
                 *         "text": "Welcome, {{ name }}!"
                 *       },
                 *       "push": {
                 *         "title": "Welcome",
                 *         "body": "Hello {{ name }}"
                 *       }
                 *     }
                 */
                "application/json": {
                    email?: {
                        html: string;
                        subject: string;
                        text?: string;
                    };
                    push?: {
                        body: string;
                        title: string;
                    };
                    sms?: {
                        text: string;
                    };
                };
            };
        };
        responses: {
            /** @description the version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateVersion"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description template id owned by another app */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unknown user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    upsertUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "ada@example.com",
                 *       "phone": "+14155550123",
                 *       "locale": "en-GB",
                 *       "timezone": "Europe/London"
                 *     }
                 */
                "application/json": {
                    email?: string | null;
                    locale?: string | null;
                    phone?: string | null;
                    timezone?: string | null;
                };
            };
        };
        responses: {
            /** @description the user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserSummary"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    registerDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "token": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                 *       "platform": "ios"
                 *     }
                 */
                "application/json": {
                    /** @enum {string} */
                    platform: "ios" | "android";
                    token: string;
                };
            };
        };
        responses: {
            /** @description registered */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceRegistered"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unknown user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    removeDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unknown user or device */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listUserNotifications: {
        parameters: {
            query?: {
                channel?: "ios" | "android" | "sms" | "email";
                /** @description opaque: a previous page's nextCursor */
                cursor?: string;
                limit?: number;
                status?: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed";
            };
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description one page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationsPage"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description started without the projection store */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPreferences: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the preferences */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Preferences"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unknown user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    setPreferences: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "channels": {
                 *         "sms": false
                 *       },
                 *       "categories": {
                 *         "marketing": {
                 *           "email": false
                 *         }
                 *       }
                 *     }
                 */
                "application/json": {
                    categories?: {
                        [key: string]: {
                            email?: boolean;
                            push?: boolean;
                            sms?: boolean;
                        };
                    };
                    channels?: {
                        email?: boolean;
                        push?: boolean;
                        sms?: boolean;
                    };
                    quietHours?: {
                        end: string;
                        start: string;
                    } | null;
                };
            };
        };
        responses: {
            /** @description the preferences */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Preferences"];
                };
            };
            /** @description invalid input; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unknown user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    sendgridWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description counts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        applied: number;
                        ignored: number;
                        not_ready: number;
                        unknown: number;
                    };
                };
            };
            /** @description unsigned */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description bad signature */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    twilioWebhook: {
        parameters: {
            query: {
                notificationId: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description recorded */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description unsigned */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description bad signature */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unknown notification */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
