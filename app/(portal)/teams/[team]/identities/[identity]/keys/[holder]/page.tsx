import type { Metadata } from "next";
import { limitsRoute } from "../../limits-page";

export const metadata: Metadata = { title: "Key limits" };

export default limitsRoute("key");
