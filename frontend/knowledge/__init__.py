"""Knowledge-base pages: the editors' workspace (/redaktion/) and the agents' article view."""
