/**
 * Generated from the API's /openapi.json by openapi-typescript (npm run client:generate).
 * Do not edit: change api/openapi.ts (or openapiSchemas.ts) and regenerate.
 */

export interface paths {
    "/console/apps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every app (viewer) */
        get: operations["consoleListApps"];
        put?: never;
        /** Register an app (admin); its secret is in this answer only */
        post: operations["consoleCreateApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/apps/{appId}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke an app (admin) */
        post: operations["consoleRevokeApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/apps/{appId}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace an app's secret (admin) */
        post: operations["consoleRotateApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Operator actions, newest first, naming who did them (viewer): redrives, cancels, app and operator changes */
        get: operations["consoleAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/operators": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every operator (admin) */
        get: operations["consoleListOperators"];
        put?: never;
        /** Create an operator (admin); without a password one is generated and returned once */
        post: operations["consoleCreateOperator"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/operators/{operatorId}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable an operator (admin): their sessions end at once; not yourself (409) */
        post: operations["consoleDisableOperator"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/operators/{operatorId}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Enable a disabled operator (admin); old sessions stay ended */
        post: operations["consoleEnableOperator"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/operators/{operatorId}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set an operator's password (admin; generated and returned once when none is given); their sessions end */
        post: operations["consoleResetOperatorPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/operators/{operatorId}/role": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Change an operator's role (admin); applies to their open sessions at once */
        put: operations["consoleSetOperatorRole"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The live session, with its CSRF token */
        get: operations["consoleSession"];
        put?: never;
        /** Operator sign-in (email, password, and the TOTP code when the operator has one); sets the HttpOnly session cookie */
        post: operations["consoleSignIn"];
        /** Sign out: the session record is deleted, for every API process */
        delete: operations["consoleSignOut"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/session/app": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** The app the console looks at (viewer) */
        put: operations["consoleSelectApp"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/v1/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The inbox token's user's items, newest first (Authorization: Bearer <inbox token>) */
        get: operations["listInboxItems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/v1/items/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark items read ({ ids } or { all: true }); records NotificationOpened */
        post: operations["markInboxItemsRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/v1/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-Sent Events: `item` per new item, `unread` counts; Last-Event-ID resumes; the token may be given as ?token= (EventSource sets no headers) */
        get: operations["streamInbox"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/v1/widget.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The drop-in <notify-inbox token="..." api="..."> custom element */
        get: operations["inboxWidget"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/preferences/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The hosted preference page (HTML form, no script): the user's channels and the app's categories */
        get: operations["openPreferencePage"];
        put?: never;
        /** The form posted back: records PreferencesChanged exactly as PUT /v1/users/{userId}/preferences does */
        post: operations["savePreferencePage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
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
        /** Counts by status and channel; delivered, opened, clicked, converted and their rates */
        get: operations["getAnalyticsSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/timeseries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Counts and rates per hour or day, grouped by channel, template, provider or status (request-time cohorts) */
        get: operations["getAnalyticsTimeseries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The calling app's categories, by name */
        get: operations["listCategories"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/categories/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set the title and description the preference page shows for a category (idempotent; per app)
         * @description Categories are the `category` of notification requests; defining one is optional (an undefined category still works and the page shows its name). At most 100 per app (409 limit_reached past it).
         */
        put: operations["defineCategory"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{eventId}/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The notifications one of the app's events produced, for every user and channel, fallbacks included (read model: follows the log); none is an empty list */
        get: operations["listEventNotifications"];
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
        /** Request a notification: fans out to user x channel; same eventId again answers the same ids. With `topic`: every subscriber, answered as `notifications` up to 1,000 subscribers, else as a `fanout` made in the background (each subscriber once) */
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
    "/v1/notifications/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a notification not sent yet (pending, scheduled, deferred, waiting in a digest) */
        post: operations["cancelNotification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/{id}/conversions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Report a conversion (once per name; a repeat is 202 and appends nothing). A template link with an empty `notify_nid` query parameter receives the notification id on its landing page. */
        post: operations["recordConversion"];
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
    "/v1/notifications/{id}/why": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Why this notification was (or was not) sent: the decision replayed as of its position in the log, then every attempt */
        get: operations["getNotificationWhy"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel every notification one eventId made for the calling app */
        post: operations["cancelNotificationsByEvent"];
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
        /** The platform's health: with app credentials what an app may see (channel states, channel alerts, lag); with an operator's console session all of it (queue depths, every alert, counts) */
        get: operations["getOpsStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send the app's failed notifications in a window again; idempotent per redrive id. The parking queues hold every app's messages and are left to the operator's `notify redrive` (parked: { seen: 0, drained: 0 }) */
        post: operations["redrive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A recurring schedule: at each occurrence of `cron` the users get a notification with eventId `<id>:<occurrence ISO time>`. No `timezone`: the user's (all of userIds must share one, else 400), UTC when none has one. With `topic`: the topic's subscribers at each occurrence (a topic send: past 1,000 subscribers fanned out in the background), UTC unless `timezone` is given.
         * @description A cron in `timezone`: 5 fields `minute hour day-of-month month day-of-week`, or 6 with the seconds FIRST `second minute hour day-of-month month day-of-week` (croner's reading: `*\/2 * * * * *` is every 2 seconds). DST: a local time skipped by spring-forward does not fire that day; a local time repeated by fall-back fires once (its first pass).
         */
        post: operations["createSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A schedule of the calling app (deleted, unknown or another app's: 404) */
        get: operations["getSchedule"];
        put?: never;
        post?: never;
        /** Stop a schedule: no occurrence fires after this answer (deleting again is 204 too) */
        delete: operations["deleteSchedule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The app's templates by id, latest version each (read model: follows the log); the console's template list */
        get: operations["listTemplates"];
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
    "/v1/templates/{templateId}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Render every part of a template version with the given params (nothing is sent); the console shows it */
        post: operations["previewTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topicId}/subscribers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The topic's subscribers by user id, 100 a page (read model: follows the log); an unknown topic is an empty list */
        get: operations["listTopicSubscribers"];
        /** Subscribe users to a topic (idempotent; up to 1,000 per call); a topic exists once it has a subscriber */
        put: operations["subscribeToTopic"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topicId}/subscribers/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Take a user out of a topic (idempotent: a user not subscribed is 204 too) */
        delete: operations["unsubscribeFromTopic"];
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
        /**
         * Erase a user (crypto-shredding)
         * @description Destroys the user's data key: their email, phone, device tokens and notification params read as erased in every event, projection, replay and answer, while notification counts and statuses remain. The user is 404 afterwards on every route, and notifications to them are suppressed (no_contact).
         */
        delete: operations["eraseUser"];
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
        /** Register a push device (APNs: 64 hex; FCM: 100-4096 of [A-Za-z0-9_:-]) or a Web Push subscription ({ platform: "web", subscription }) */
        post: operations["registerDevice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}/devices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a device: the id its registration answered with, or (ios, android) its token */
        delete: operations["removeDevice"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}/inbox-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A short-lived token for this user's in-app inbox (/inbox/v1), to hand to the user's browser */
        post: operations["createInboxToken"];
        delete?: never;
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
    "/v1/users/{userId}/preferences-link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A signed link to the user's hosted preference page (this app and this user only; PREFERENCES_LINK_TTL_DAYS, default 7 days)
         * @description A template may place the same link with `{{ preferences_url }}`: it is minted per recipient when the message is rendered.
         */
        post: operations["createPreferencesLink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webpush/vapid-public-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The VAPID public key browsers subscribe with (applicationServerKey) */
        get: operations["getVapidPublicKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/why": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Why a user got nothing for an event: unknown user, eventId never seen, template without the channel... */
        get: operations["getWhy"];
        put?: never;
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
        Account: {
            /** Format: date-time */
            createdAt: string;
            /** @description operatorId or appKey */
            id: string;
            /** @enum {unknown} */
            kind: "operator" | "app";
            /** @description the operator's email or the app's name */
            name: string;
            /** @enum {unknown} */
            role?: "viewer" | "operator" | "admin";
            /** @enum {unknown} */
            status: "active" | "disabled" | "revoked";
            totp?: boolean;
            /** Format: date-time */
            updatedAt: string;
        };
        AnalyticsSummary: {
            appId?: string | null;
            byChannel: {
                [key: string]: {
                    byStatus?: {
                        canceled: number;
                        delivered: number;
                        digested: number;
                        failed: number;
                        pending: number;
                        scheduled: number;
                        sent: number;
                        suppressed: number;
                    };
                    clicked?: number;
                    converted?: number;
                    opened?: number;
                    total?: number;
                };
            };
            byStatus: {
                canceled: number;
                delivered: number;
                digested: number;
                failed: number;
                pending: number;
                scheduled: number;
                sent: number;
                suppressed: number;
            };
            /** @enum {unknown} */
            channel?: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat" | null;
            clicked: number;
            /** @description x / (sent + delivered); null when nothing reached anyone */
            clickRate: number | null;
            /** @description x / (sent + delivered); null when nothing reached anyone */
            conversionRate: number | null;
            converted: number;
            delivered: number;
            /** @description x / (sent + delivered); null when nothing reached anyone */
            deliveryRate: number | null;
            /** Format: date-time */
            from: string;
            latency?: Record<string, unknown>;
            opened: number;
            /** @description x / (sent + delivered); null when nothing reached anyone */
            openRate: number | null;
            repeatClicks?: number;
            /** Format: date-time */
            to: string;
            total: number;
        };
        AuditEntry: {
            /** @description the event type: RedriveRequested, NotificationCanceled, AppRegistered, OperatorRoleChanged, ... */
            action: string;
            appId?: string;
            /** Format: date-time */
            at: string;
            /** @description the operator who did it; null: the CLI on the host */
            by: {
                email: string;
                operatorId: string;
            } | null;
            details: {
                [key: string]: string | number | boolean;
            };
            /** @description the id of the event it comes from */
            id: string;
            subject: {
                id: string;
                /** @enum {unknown} */
                kind: "app" | "operator" | "redrive" | "notification";
                name?: string;
            };
        };
        Category: {
            description?: string;
            name: string;
            title: string;
        };
        CategoryList: {
            items: components["schemas"]["Category"][];
        };
        ConsoleSession: {
            /** @description the app the console's /v1 calls act as (PUT /console/session/app) */
            appId: string | null;
            /** @description send as X-CSRF-Token on every request that changes something */
            csrf: string;
            operator: {
                email: string;
                operatorId: string;
                /** @enum {unknown} */
                role: "viewer" | "operator" | "admin";
            };
        };
        ConversionResult: {
            id: string;
            name: string;
            /** @description false when this name was already recorded (nothing appended) */
            recorded: boolean;
        };
        DeviceRegistered: {
            /** @description the device id: DELETE .../devices/{id} removes it */
            id: string;
            /** @enum {unknown} */
            platform: "ios" | "android" | "web";
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
        EventNotification: {
            /** @enum {unknown} */
            channel: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
            /** @description status digested: the digest notification that carried it */
            digestNotificationId?: string;
            /** @description a fallback notification: the one whose outcome requested it (a fallback shares its eventId) */
            fallbackOf?: string;
            id: string;
            /** Format: date-time */
            requestedAt?: string;
            /** @enum {unknown} */
            status: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed" | "canceled" | "digested";
            templateId: string;
            templateVersion?: number;
            userId: string;
        };
        EventNotifications: {
            eventId: string;
            /** @description at most 50 */
            items: components["schemas"]["EventNotification"][];
        };
        /**
         * @example {
         *       "fanout": {
         *         "id": "9b1f0c2e-7a4d-5e3b-8c1a-0d2e3f4a5b6c",
         *         "subscribers": 10000
         *       }
         *     }
         */
        FanoutAccepted: {
            fanout: {
                /** @description the fan-out (one per app and eventId) */
                id: string;
                /** @description recipients, frozen when the send was accepted */
                subscribers: number;
            };
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
            /**
             * @description present (true) when the notification left the hot log under retention (LOG_RETENTION) and was read from the archive; the answer is otherwise the same
             * @enum {boolean}
             */
            archived?: true;
            /** @description provider attempts so far */
            attempts: number;
            category?: string;
            /** @enum {unknown} */
            channel: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
            clicked: boolean;
            /** @description why the send was deferred (quiet hours) */
            deferredBy?: string;
            /** @description status digested: the digest notification that carried this one */
            digestNotificationId?: string;
            /** @description a digest notification: the member notifications it carried, in the order they joined */
            digestOf?: string[];
            eventId: string;
            /** @description a fallback notification: the notification whose outcome requested it */
            fallbackOf?: string;
            id: string;
            opened: boolean;
            /** @description the suppression or final failure reason */
            reason?: string;
            /** Format: date-time */
            scheduleAt?: string;
            /** @enum {unknown} */
            status: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed" | "canceled" | "digested";
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
            /**
             * @description present (true) when the notification left the hot log under retention (LOG_RETENTION) and was read from the archive; the answer is otherwise the same
             * @enum {boolean}
             */
            archived?: true;
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
                channel: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
                id: string;
                /** @enum {unknown} */
                status: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed" | "canceled" | "digested";
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
                channel: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
                eventId: string;
                id: string;
                /** Format: date-time */
                requestedAt: string;
                /** @enum {unknown} */
                status: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed" | "canceled" | "digested";
                templateId: string;
                /** @description on the app-wide list (GET /v1/notifications) only */
                userId?: string;
            }[];
            /** @description pass as `cursor` for the next page; null on the last one */
            nextCursor: string | null;
        };
        /** @description What an app may see of the platform, from this API process's view: each channel's state, its channel alerts and the lag (sampled by the monitors role: with it in another process the lag is empty here). Queue depths, other alerts and delivery counts are all apps' traffic together and are not served to app credentials (`queues` is empty; operators read them from /metrics on OPS_PORT). */
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
                channel: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
                failed?: number;
                parked?: number;
                sent?: number;
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
                    chat?: boolean;
                    email?: boolean;
                    inapp?: boolean;
                    push?: boolean;
                    sms?: boolean;
                };
            };
            channels: {
                chat?: boolean;
                email?: boolean;
                inapp?: boolean;
                push?: boolean;
                sms?: boolean;
            };
            quietHours?: {
                end: string;
                start: string;
            } | null;
        };
        PreferencesLink: {
            /** Format: date-time */
            expiresAt: string;
            /**
             * Format: uri
             * @description PUBLIC_URL + /preferences/<signed token>: open it in a browser
             */
            url: string;
        };
        RedriveResult: {
            dryRun: boolean;
            /** @description the redrive id: given, or derived from the request (the same request twice is one redrive) */
            id: string;
            matched: number;
            parked: {
                drained: number;
                seen: number;
            };
            /** @description notifications given a new attempt by this call (0 on a repeat or a dry run) */
            redriven: number;
            /** @description this redrive id had already been recorded */
            repeated: boolean;
        };
        Schedule: {
            /** Format: date-time */
            createdAt: string;
            cron: string;
            /** Format: uuid */
            id: string;
            /**
             * Format: date-time
             * @description the latest occurrence done
             */
            lastOccurrence: string | null;
            /**
             * Format: date-time
             * @description the next occurrence after now; null when the cron never fires again
             */
            nextAt: string | null;
            /** @description occurrences done so far */
            occurrences: number;
            params: {
                [key: string]: unknown;
            };
            templateId: string;
            /** @description IANA time zone the cron is read in */
            timezone: string;
            /**
             * @description request: given; user: the users' profile time zone at creation; default: UTC (no user had one)
             * @enum {unknown}
             */
            timezoneFrom: "request" | "user" | "default";
            /** @description when created with topic: the topic's subscribers at each occurrence */
            topic?: string;
            /** @description when created with userId */
            userId?: string;
            /** @description when created with userIds */
            userIds?: string[];
        };
        ScheduleCreated: {
            /** Format: uuid */
            id: string;
            /**
             * Format: date-time
             * @description the first occurrence
             */
            nextAt: string;
        };
        Template: {
            content: {
                chat?: {
                    text: string;
                };
                email?: {
                    html: string;
                    subject: string;
                    text?: string;
                };
                inapp?: {
                    body: string;
                    title: string;
                    url?: string;
                };
                locales?: unknown;
                push?: {
                    body: string;
                    icon?: string;
                    title: string;
                    url?: string;
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
        TemplateList: {
            items: components["schemas"]["TemplateSummary"][];
            /** @description true when the app has more than 500 templates (the first 500 by id are listed) */
            truncated: boolean;
        };
        TemplateSummary: {
            /** @description the locales (BCP 47) it has a translation for */
            locales: string[];
            /** @description the default parts the latest version has */
            parts: ("chat" | "email" | "inapp" | "push" | "sms")[];
            /** Format: date-time */
            publishedAt: string;
            requiredParams: string[];
            templateId: string;
            /** @description the latest version */
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
        Timeseries: {
            appId?: string | null;
            buckets: components["schemas"]["TimeseriesRow"][];
            /** @enum {unknown} */
            channel?: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat" | null;
            /** Format: date-time */
            from: string;
            /** @enum {unknown} */
            groupBy: "channel" | "template" | "provider" | "status";
            /** @enum {unknown} */
            interval: "hour" | "day";
            /** Format: date-time */
            to: string;
        };
        TimeseriesRow: {
            byStatus: {
                canceled: number;
                delivered: number;
                digested: number;
                failed: number;
                pending: number;
                scheduled: number;
                sent: number;
                suppressed: number;
            };
            clicked: number | null;
            /** @description x / (sent + delivered); null when nothing reached anyone */
            clickRate: number | null;
            /** @description x / (sent + delivered); null when nothing reached anyone */
            conversionRate: number | null;
            converted: number | null;
            /** @description x / (sent + delivered); null when nothing reached anyone */
            deliveryRate: number | null;
            /** @description channel, template id, provider ('' before any attempt answered) or status */
            group: string;
            opened: number | null;
            /** @description x / (sent + delivered); null when nothing reached anyone */
            openRate: number | null;
            /** Format: date-time */
            start: string;
            total: number;
        };
        /**
         * @example {
         *       "added": 2
         *     }
         */
        TopicSubscribersAdded: {
            /** @description users not subscribed before (a repeat adds 0); erased users are never added */
            added: number;
        };
        /**
         * @example {
         *       "items": [
         *         {
         *           "userId": "ada"
         *         },
         *         {
         *           "userId": "grace"
         *         }
         *       ],
         *       "nextCursor": null
         *     }
         */
        TopicSubscribersPage: {
            items: {
                userId: string;
            }[];
            /** @description opaque; null on the last page */
            nextCursor: string | null;
        };
        User: {
            chat?: {
                /**
                 * Format: uri
                 * @description incoming webhook of Slack, Microsoft Teams or Discord (its host picks the format); cleared by the platform when the host answers 404/410
                 */
                webhookUrl: string;
            };
            devices: {
                /** @enum {unknown} */
                platform: "ios" | "android" | "web";
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
            chat?: {
                /**
                 * Format: uri
                 * @description incoming webhook of Slack, Microsoft Teams or Discord (its host picks the format); cleared by the platform when the host answers 404/410
                 */
                webhookUrl: string;
            };
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
        WhyAnswer: {
            /**
             * @description present (true) when the notification left the hot log under retention (LOG_RETENTION) and was read from the archive; the answer is otherwise the same
             * @enum {boolean}
             */
            archived?: true;
            attempts: components["schemas"]["WhyAttempt"][];
            /** @enum {unknown} */
            channel: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat" | null;
            decision: {
                /** @description the log position and time the decision is replayed at */
                asOf: {
                    /** Format: date-time */
                    at: string;
                    position: number;
                };
                detail?: string;
                /** @enum {unknown} */
                outcome: "requested" | "scheduled" | "deferred" | "suppressed" | "no_notification";
                /** @description the suppression (or deferral) reason the log recorded */
                reason?: string;
                reasons: components["schemas"]["WhyReason"][];
                /** @description the pure policy on the replayed facts, and whether it agrees with the log (a changed rate limit can make it differ) */
                replayed?: {
                    agrees: boolean;
                    /** @enum {unknown} */
                    outcome: "requested" | "scheduled" | "deferred" | "suppressed";
                };
            };
            eventId: string;
            id: string | null;
            /** @description GET /v1/why: the notifications this user and event did produce */
            notifications?: {
                /** @enum {unknown} */
                channel: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
                id: string;
                status: string;
            }[];
            redrives: {
                /** Format: date-time */
                at: string;
                fromAttempt: number;
                redriveId: string;
            }[];
            /** @description the notification status; `none` or `exists` on GET /v1/why */
            status: string;
            userId: string;
        };
        WhyAttempt: {
            /** Format: date-time */
            at: string;
            attempt: number | null;
            /**
             * @description the provider's answer as the sender classified it
             * @enum {unknown}
             */
            classification: "ok" | "retryable" | "permanent" | "token_invalid" | "none";
            code: string | null;
            message: string | null;
            provider: string | null;
            providerMessageId?: string;
            /** @enum {unknown} */
            reason?: "permanent" | "exhausted" | "token_invalid" | "poison" | "bounced" | "undeliverable" | "delivery_limit";
            /** @enum {unknown} */
            result: "sent" | "retry" | "failed";
            retryInMs?: number;
        };
        WhyReason: {
            /** @enum {unknown} */
            check: "user" | "channel_preference" | "category_preference" | "contact" | "rate_window" | "quiet_hours" | "schedule" | "template" | "event" | "request" | "recurring_schedule";
            detail: string;
            /** @description what the check read: counts and limits, timezone, template version... */
            facts?: {
                [key: string]: string | number | boolean | null;
            };
            /** @description false: this check stopped or deferred delivery */
            passed: boolean;
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
    consoleListApps: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the accounts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Account"][];
                    };
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no projection store; or over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleCreateApp: {
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
                };
            };
        };
        responses: {
            /** @description the credentials */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        appKey: string;
                        /** @description shown this once */
                        appSecret: string;
                    };
                };
            };
            /** @description bad name */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleRevokeApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description revoked */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        appKey: string;
                        /** @constant */
                        revoked: true;
                    };
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such app */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleRotateApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the new credentials */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        appKey: string;
                        /** @description shown this once */
                        appSecret: string;
                    };
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such app */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleAudit: {
        parameters: {
            query?: {
                appId?: string;
                /** @description nextCursor of the page before */
                cursor?: string;
                limit?: number;
                operatorId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AuditEntry"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description bad limit or cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no projection store; or over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleListOperators: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the accounts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Account"][];
                    };
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no projection store; or over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleCreateOperator: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                    password?: string;
                    /** @enum {unknown} */
                    role: "viewer" | "operator" | "admin";
                    totp?: boolean;
                };
            };
        };
        responses: {
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        email: string;
                        operatorId: string;
                        /** @description a generated password: shown this once */
                        password?: string;
                        /** @enum {unknown} */
                        role: "viewer" | "operator" | "admin";
                        /** @description otpauth:// URI, with totp: true; shown this once */
                        totpUri?: string;
                    };
                };
            };
            /** @description bad email, role or password */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description an operator with this email exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleDisableOperator: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                operatorId: string;
            };
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
                    "application/json": {
                        operatorId: string;
                        /** @enum {unknown} */
                        status: "active" | "disabled";
                    };
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such operator */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description disabling yourself */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleEnableOperator: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                operatorId: string;
            };
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
                    "application/json": {
                        operatorId: string;
                        /** @enum {unknown} */
                        status: "active" | "disabled";
                    };
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such operator */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description disabling yourself */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleResetOperatorPassword: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                operatorId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    password?: string;
                };
            };
        };
        responses: {
            /** @description changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        operatorId: string;
                        password?: string;
                    };
                };
            };
            /** @description password too short */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such operator */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleSetOperatorRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                operatorId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {unknown} */
                    role: "viewer" | "operator" | "admin";
                };
            };
        };
        responses: {
            /** @description changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        operatorId: string;
                        /** @enum {unknown} */
                        role: "viewer" | "operator" | "admin";
                    };
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such operator */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the session */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsoleSession"];
                };
            };
            /** @description not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleSignIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description the app to look at first (default: the first active app) */
                    appId?: string;
                    email: string;
                    password: string;
                    totp?: string;
                };
            };
        };
        responses: {
            /** @description signed in */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsoleSession"];
                };
            };
            /** @description a field is missing; `field` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description wrong email or password, disabled account, `totp_required`, or a wrong or reused TOTP code */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description from another origin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description too many failed sign-ins from this client or for this account (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleSignOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description signed out */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description missing X-CSRF-Token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    consoleSelectApp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    appId: string;
                };
            };
        };
        responses: {
            /** @description selected */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        appId: string;
                    };
                };
            };
            /** @description not an active app */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not signed in, or the session ended (signed out, expired, operator disabled or given a new password) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the operator's role does not allow this, or the X-CSRF-Token is missing */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    listInboxItems: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of items */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            body: string;
                            /** Format: date-time */
                            createdAt: string;
                            id: string;
                            notificationId: string;
                            /** Format: date-time */
                            readAt?: string | null;
                            title: string;
                            url?: string | null;
                        }[];
                        nextCursor: string | null;
                        unread: number;
                    };
                };
            };
            /** @description missing, bad or expired inbox token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    markInboxItemsRead: {
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
                 *       "all": true
                 *     }
                 */
                "application/json": {
                    all?: boolean;
                    ids?: string[];
                };
            };
        };
        responses: {
            /** @description the unread count */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        unread: number;
                    };
                };
            };
            /** @description missing, bad or expired inbox token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    streamInbox: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the event stream: `event: item` (data: an inbox item) and `event: unread` (data: { unread }) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description missing, bad or expired inbox token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description too many open streams for this token (INBOX_STREAMS_PER_TOKEN) or this API process (INBOX_STREAMS_MAX); Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    inboxWidget: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JavaScript */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/javascript": string;
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    openPreferencePage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description from the signed link */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the form */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description forged, malformed, or the user or app is gone */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    savePreferencePage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description from the signed link */
                token: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": {
                    /** @description the categories the page showed */
                    category?: string[];
                    /** @description channels ticked (unticked ones are turned off) */
                    channel?: ("push" | "sms" | "email" | "inapp" | "chat")[];
                    /** @description the page's hidden form token; missing or wrong: 403 */
                    csrf: string;
                } & {
                    [key: string]: ("push" | "sms" | "email" | "inapp" | "chat")[];
                };
            };
        };
        responses: {
            /** @description saved; the form again with a confirmation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description a field the form does not have; nothing recorded */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description form token missing or wrong, or sent from another site; nothing recorded */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description forged, malformed, or the user or app is gone */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link expired; nothing recorded */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    getAnalyticsSummary: {
        parameters: {
            query?: {
                channel?: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
                format?: "json" | "csv";
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
                    "application/json": components["schemas"]["AnalyticsSummary"];
                    "text/csv": string;
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    getAnalyticsTimeseries: {
        parameters: {
            query?: {
                channel?: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
                format?: "json" | "csv";
                from?: string;
                groupBy?: "channel" | "template" | "provider" | "status";
                interval?: "hour" | "day";
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the series */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Timeseries"];
                    "text/csv": string;
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    listCategories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the categories */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CategoryList"];
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    defineCategory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 1-64 of letters, digits and _.- */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "title": "Order updates",
                 *       "description": "When your order ships and arrives."
                 *     }
                 */
                "application/json": {
                    description?: string;
                    title: string;
                };
            };
        };
        responses: {
            /** @description the category */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Category"];
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
            /** @description limit_reached: the app has 100 categories */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    listEventNotifications: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                eventId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the notifications */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventNotifications"];
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
            /** @description started without the projection store; or over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    listNotifications: {
        parameters: {
            query?: {
                channel?: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
                /** @description opaque: a previous page's nextCursor */
                cursor?: string;
                limit?: number;
                status?: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed" | "canceled" | "digested";
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description started without the projection store; or over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
                    channels?: ("push" | "sms" | "email" | "inapp" | "chat")[];
                    digest?: {
                        key: string;
                        windowSeconds: number;
                    };
                    eventId: string;
                    fallback?: {
                        afterSeconds?: number;
                        /** @enum {string} */
                        channel: "push" | "sms" | "email" | "inapp" | "chat";
                    }[];
                    params?: {
                        [key: string]: unknown;
                    };
                    /** Format: date-time */
                    scheduleAt?: string;
                    templateId: string;
                    topic?: string;
                    userId?: string;
                    userIds?: string[];
                };
            };
        };
        responses: {
            /** @description one entry per user x channel, or (topic past 1,000 subscribers) the fan-out */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationsAccepted"] | components["schemas"]["FanoutAccepted"];
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    cancelNotification: {
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
            /** @description canceled (again: the same answer) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @constant */
                        status: "canceled";
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
            /** @description unknown id, or another app's notification */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description already final (sent, delivered, failed, suppressed, digested): `already_final` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    recordConversion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    name?: string;
                    value?: number;
                };
            };
        };
        responses: {
            /** @description recorded (or already recorded) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversionResult"];
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
            /** @description the notification never went out */
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    getNotificationWhy: {
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
            /** @description the answer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WhyAnswer"];
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    cancelNotificationsByEvent: {
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
                 *       "eventId": "order-1234-shipped"
                 *     }
                 */
                "application/json": {
                    eventId: string;
                };
            };
        };
        responses: {
            /** @description each notification with its status: canceled, or the final status that kept it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        notifications: {
                            id: string;
                            /** @enum {unknown} */
                            status: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed" | "canceled" | "digested";
                        }[];
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description this process has no monitoring; or over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    redrive: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    channel?: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
                    dryRun?: boolean;
                    /** Format: date-time */
                    from: string;
                    id?: string;
                    /** @enum {string} */
                    reason?: "permanent" | "exhausted" | "token_invalid" | "poison" | "bounced" | "undeliverable" | "delivery_limit";
                    /** @constant */
                    status: "failed";
                    /** Format: date-time */
                    to: string;
                };
            };
        };
        responses: {
            /** @description the redrive */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RedriveResult"];
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
            /** @description started without the projection store; or over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    createSchedule: {
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
                 *       "userId": "ada",
                 *       "templateId": "weekly-digest",
                 *       "params": {
                 *         "name": "Ada"
                 *       },
                 *       "cron": "0 9 * * MON",
                 *       "timezone": "Europe/Berlin"
                 *     }
                 */
                "application/json": {
                    cron: string;
                    params?: {
                        [key: string]: unknown;
                    };
                    templateId: string;
                    timezone?: string;
                    topic?: string;
                    userId?: string;
                    userIds?: string[];
                };
            };
        };
        responses: {
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleCreated"];
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
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    getSchedule: {
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
            /** @description the schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    deleteSchedule: {
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
            /** @description deleted */
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
            /** @description unknown id, or another app's schedule */
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    listTemplates: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the templates */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateList"];
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
            /** @description started without the projection store; or over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
                    chat?: {
                        text: string;
                    };
                    email?: {
                        html: string;
                        subject: string;
                        text?: string;
                    };
                    inapp?: {
                        body: string;
                        title: string;
                        url?: string;
                    };
                    locales?: {
                        [key: string]: {
                            chat?: {
                                text: string;
                            };
                            email?: {
                                html: string;
                                subject: string;
                                text?: string;
                            };
                            inapp?: {
                                body: string;
                                title: string;
                                url?: string;
                            };
                            push?: {
                                body: string;
                                icon?: string;
                                title: string;
                                url?: string;
                            };
                            sms?: {
                                text: string;
                            };
                        };
                    };
                    push?: {
                        body: string;
                        icon?: string;
                        title: string;
                        url?: string;
                    };
                    sms?: {
                        text: string;
                    };
                };
            };
        };
        responses: {
            /** @description the version (template ids are per app: another app may use the same id) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateVersion"];
                };
            };
            /** @description invalid input; `field` names it (a Liquid syntax error, or a part that cannot render within RENDER_BUDGET_MS) */
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    previewTemplate: {
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
                 *       "params": {
                 *         "name": "Ada"
                 *       }
                 *     }
                 */
                "application/json": {
                    locale?: string;
                    params?: {
                        [key: string]: unknown;
                    };
                    version?: number;
                };
            };
        };
        responses: {
            /** @description the rendered parts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description required params not given (a part that reads one answers 422) */
                        missingParams: string[];
                        /** @description part -> field -> text, e.g. email.subject */
                        rendered: {
                            [key: string]: {
                                [key: string]: string;
                            };
                        };
                        templateId: string;
                        version: number;
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
            /** @description unknown template or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `render_failed`: a part cannot be rendered with these params (a missing variable, RENDER_BUDGET_MS exceeded): `field` names the part (`templateId` when the budget stopped a render that could not say which), the message the template and version */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    listTopicSubscribers: {
        parameters: {
            query?: {
                /** @description opaque: a previous page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description the app's own topic id (another app's topic of the same id is another topic) */
                topicId: string;
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
                    "application/json": components["schemas"]["TopicSubscribersPage"];
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
            /** @description started without the projection store; or over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    subscribeToTopic: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the app's own topic id (another app's topic of the same id is another topic) */
                topicId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "userIds": [
                 *         "ada",
                 *         "grace"
                 *       ]
                 *     }
                 */
                "application/json": {
                    userIds: string[];
                };
            };
        };
        responses: {
            /** @description how many were added */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TopicSubscribersAdded"];
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    unsubscribeFromTopic: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the app's own topic id (another app's topic of the same id is another topic) */
                topicId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description not subscribed (any more) */
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
            /** @description per-app request rate exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
                    chat?: {
                        webhookUrl: string;
                    } | null;
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    eraseUser: {
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
            /** @description erased */
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
            /** @description unknown (or already erased) user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
                } | {
                    /** @constant */
                    platform: "web";
                    subscription: {
                        /** Format: uri */
                        endpoint: string;
                        expirationTime?: number | null;
                        keys: {
                            auth: string;
                            p256dh: string;
                        };
                    };
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
            /** @description invalid input; `field` names it (`subscription.endpoint`: not a public https URL, e.g. a loopback, private or link-local address) */
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
            /** @description `limit_reached`: the user has WEB_PUSH_MAX_SUBSCRIPTIONS (default 10) web subscriptions */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    removeDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    createInboxToken: {
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
            /** @description the token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        expiresAt: string;
                        token: string;
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
            /** @description unknown user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    listUserNotifications: {
        parameters: {
            query?: {
                channel?: "ios" | "android" | "web" | "sms" | "email" | "inapp" | "chat";
                /** @description opaque: a previous page's nextCursor */
                cursor?: string;
                limit?: number;
                status?: "pending" | "scheduled" | "sent" | "delivered" | "failed" | "suppressed" | "canceled" | "digested";
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description started without the projection store; or over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
                            chat?: boolean;
                            email?: boolean;
                            inapp?: boolean;
                            push?: boolean;
                            sms?: boolean;
                        };
                    };
                    channels?: {
                        chat?: boolean;
                        email?: boolean;
                        inapp?: boolean;
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    createPreferencesLink: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "expiresInSeconds": 86400
                 *     }
                 */
                "application/json": {
                    expiresInSeconds?: number;
                };
            };
        };
        responses: {
            /** @description the link */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PreferencesLink"];
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    getVapidPublicKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        publicKey: string;
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
            /** @description per-app request rate, or this client's failed credential checks, exceeded (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
    getWhy: {
        parameters: {
            query: {
                channel?: "push" | "sms" | "email" | "inapp" | "chat";
                eventId: string;
                userId: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the answer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WhyAnswer"];
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
            /** @description over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry */
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
}
