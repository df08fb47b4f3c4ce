// The simulator's seeded people and OAuth clients. Fixed ids, so a developer's bookmarks and a test's
// expectations survive restarts; it is a simulator, so the passwords are printed on its login page.
export type SimulatorUser = {
  key: "admin" | "member" | "service" | "sso";
  id: string;
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  customerId: string;
  sso: boolean;
};

const CUSTOMER = "8b81da6f5fb6b75701604d6c950c05b1";

export const USERS: Record<SimulatorUser["key"], SimulatorUser> = {
  admin: {
    key: "admin",
    id: "8a8b844a477d5da70147d150ee080b17",
    email: "admin@simulator.example",
    password: "admin-password",
    firstName: "Ada",
    lastName: "Admin",
    customerId: CUSTOMER,
    sso: false,
  },
  member: {
    key: "member",
    id: "8a8b844a477d5da70147d150ee080b18",
    email: "member@simulator.example",
    password: "member-password",
    firstName: "Max",
    lastName: "Member",
    customerId: CUSTOMER,
    sso: false,
  },
  service: {
    key: "service",
    id: "8a8b844a477d5da70147d150ee080b19",
    email: "service@simulator.example",
    password: "service-password",
    firstName: "ETL",
    lastName: "Service",
    customerId: CUSTOMER,
    sso: false,
  },
  sso: {
    key: "sso",
    id: "8a8b844a477d5da70147d150ee080b1a",
    email: "sso@simulator.example",
    password: "sso-password",
    firstName: "Sam",
    lastName: "Single-Sign-On",
    customerId: CUSTOMER,
    sso: true,
  },
};

export const userById = (id: string) => Object.values(USERS).find((u) => u.id === id);
export const userByEmail = (email: string) => Object.values(USERS).find((u) => u.email === email.trim().toLowerCase());

export const CLIENT_IDS = {
  authCode: "5a1b2c3d4e5f60718293a4b5c6d7e8f9",
  device: "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6",
  deviceNonRotatable: "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  /** Another application's auth-code client, so tests can try a code issued to someone else on the portal. */
  otherApp: "7e6d5c4b3a29180f7e6d5c4b3a291800",
} as const;

/** `lifetime`: whether a rotated refresh token gets a fresh TTL (sliding) or keeps the chain's deadline (absolute). */
export type ClientBehaviour = { rotatable: boolean; refreshTokenTtlSeconds: number; lifetime: "sliding" | "absolute" };
