import type { Metadata } from "next";
import { limitsRoute } from "../../limits-page";

export const metadata: Metadata = { title: "Trusted workload limits" };

export default limitsRoute("workload");
